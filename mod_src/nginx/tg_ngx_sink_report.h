/* Reports of lost event lines (TLSGUARD-030), per worker: a sink's first
 * drop is reported at once, later ones at most once an interval (60 s, or
 * TLSGUARD_REPORT_INTERVAL seconds from nginx's `env` directive), and what is
 * left when the worker exits (reload, stop). Reports run from a timer of the
 * worker's event loop, never from the handshake path. */
#ifndef TG_NGX_SINK_REPORT_H
#define TG_NGX_SINK_REPORT_H

#include <ngx_config.h>
#include <ngx_core.h>

#define TG_NGX_REPORT_INTERVAL 60
#define TG_NGX_REPORT_INTERVAL_ENV "TLSGUARD_REPORT_INTERVAL"

/* init_process / exit_process of the module. */
ngx_int_t tg_ngx_sink_report_init_process(ngx_cycle_t *cycle);
void tg_ngx_sink_report_exit_process(ngx_cycle_t *cycle);

/* A sink dropped its first line since the last report: report soon. */
void tg_ngx_sink_report_wake(void);

#endif
