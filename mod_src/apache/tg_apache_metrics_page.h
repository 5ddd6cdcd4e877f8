/* The counters as pages: `SetHandler tlsguard-metrics` (Prometheus text
 * exposition format 0.0.4) and a section of mod_status's page. */
#ifndef TG_APACHE_METRICS_PAGE_H
#define TG_APACHE_METRICS_PAGE_H

#include <httpd.h>

#define TG_METRICS_HANDLER "tlsguard-metrics"

/* handler hook: GET or HEAD of a location whose handler is
 * "tlsguard-metrics". Access is what the location's Require allows (httpd
 * checks it before any handler runs). */
int tg_ap_metrics_page_handler(request_rec *r);

/* mod_status's status_hook (optional: without mod_status it never runs):
 * a table on the HTML page, "TLSGuard*: n" lines with ?auto. */
int tg_ap_metrics_page_status(request_rec *r, int flags);

#endif
