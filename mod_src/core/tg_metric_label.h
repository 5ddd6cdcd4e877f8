/* tg_metric_label: a name from the configuration (a vhost's
 * "ServerName:port", a TLSGuardEventLog argument) as a label value for the
 * Prometheus text format, in a fixed-size slot of the shared counters.
 *
 * The text format wants UTF-8 (a scraper refuses the whole page over one
 * byte that is not), and two names must keep two labels, each the same at
 * every restart (a restart finds a name's counters by its label). So:
 *   - well-formed UTF-8 (RFC 3629) is kept as it is;
 *   - any other byte becomes the four characters \xHH (lower-case hex);
 *   - a result that does not fit is cut at a character boundary and ends
 *     in "~" and 8 hex digits of a hash (FNV-1a) of the whole name.
 * Escaping for the page (backslash, quote, newline) is the page's job.
 * libc only. */
#ifndef TG_METRIC_LABEL_H
#define TG_METRIC_LABEL_H

#include <stddef.h>

#define TG_METRIC_LABEL_MIN 16 /* the smallest out buffer accepted */

/* Writes the label of name into out (NUL-terminated, at most outlen - 1
 * bytes) and returns its length; 0 with out "" if outlen is under
 * TG_METRIC_LABEL_MIN. */
size_t tg_metric_label(const char *name, char *out, size_t outlen);

#endif
