/* tg_metric_layout: one number for what a counter segment's slots mean.
 *
 * The Apache counters live in shared memory that outlives a restart, and a
 * restart after an upgrade loads another build of the module into the same
 * segment. Sizes and counts alone miss a reordered or renamed reason, stage
 * or profile row (the same size, other meanings: counts would show under
 * the wrong label), so the number also hashes every name that indexes a
 * counter, in table order. libc only. */
#ifndef TG_METRIC_LAYOUT_H
#define TG_METRIC_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a (64-bit) of shape, then each names[i] with its terminating NUL. */
uint64_t tg_metric_layout_hash(uint64_t shape, const char *const *names, size_t n);

/* tg_metric_layout_hash() of shape and, in order, every reason name, every
 * stage name and the first `profiles` profile names (fewer if the table is
 * shorter). */
uint64_t tg_metric_layout_id(uint64_t shape, unsigned profiles);

#endif
