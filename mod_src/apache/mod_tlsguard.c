/* mod_tlsguard: the module record and hook registration, nothing else. */
#include <httpd.h>
#include <http_config.h>
#include <http_connection.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_status.h>
#include <mpm_common.h>

#include "tg_apache_audit.h"
#include "tg_apache_certcheck.h"
#include "tg_apache_certwatch.h"
#include "tg_apache_conf.h"
#include "tg_apache_conn.h"
#include "tg_apache_rawin.h"
#include "tg_apache_report.h"
#include "tg_apache_enforce.h"
#include "tg_apache_eventrate.h"
#include "tg_apache_events.h"
#include "tg_apache_hsts.h"
#include "tg_apache_hsts_conf.h"
#include "tg_apache_metrics.h"
#include "tg_apache_metrics_page.h"
#include "tg_apache_sink_report.h"
#include "tg_apache_stop.h"
#include "tg_mod_ssl_hooks.h"

/* Every hook, filter and mod_ssl optional hook of the module, in the order
 * httpd runs equal-priority hooks: the order of registration. */
static void register_hooks(apr_pool_t *p)
{
    /* after mod_ssl's post_config, which runs init_server for TLS vhosts */
    static const char *const after_ssl[] = {"mod_ssl.c", NULL};
    (void)p;

    /* enforcement, events and the connection life cycle */
    ap_hook_check_config(tg_ap_enforce_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ssl, init_server, tg_ap_enforce_init_server, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ssl, pre_handshake, tg_ap_enforce_pre_handshake, NULL, NULL,
                      APR_HOOK_MIDDLE);
    ap_hook_open_logs(tg_ap_events_open_logs, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_open_logs(tg_ap_metrics_open_logs, NULL, NULL, APR_HOOK_MIDDLE); /* after it */
    ap_hook_pre_config(tg_ap_enforce_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(tg_ap_sink_report_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(tg_ap_eventrate_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(tg_ap_enforce_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(tg_ap_events_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ssl, init_server, tg_ap_audit_init_server, NULL, NULL, APR_HOOK_LAST);
    ap_hook_check_config(tg_ap_certcheck_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(tg_ap_certwatch_post_config, tg_ap_certwatch_pred, tg_ap_certwatch_succ,
                        APR_HOOK_MIDDLE);
    ap_hook_pre_close_connection(tg_ap_conn_pre_close, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(tg_ap_conn_child_init, NULL, NULL, APR_HOOK_MIDDLE);
#if AP_MODULE_MAGIC_AT_LEAST(20120211, 110) /* child_stopping: httpd 2.4.49 */
    ap_hook_child_stopping(tg_ap_stop_child_stopping, NULL, NULL, APR_HOOK_MIDDLE);
#endif
    ap_hook_post_read_request(tg_ap_report_request, NULL, NULL, APR_HOOK_MIDDLE);
    tg_ap_rawin_filter_handle = ap_register_input_filter("TLSGUARD_RAW_IN", tg_ap_rawin_filter,
                                                      NULL, TG_RAWIN_FTYPE);

    /* counters: the Prometheus page and mod_status's */
    ap_hook_handler(tg_ap_metrics_page_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, tg_ap_metrics_page_status, NULL, NULL, APR_HOOK_MIDDLE);

    /* HSTS */
    tg_ap_hsts_filter_handle = ap_register_output_filter("TLSGUARD_HSTS", tg_ap_hsts_filter, NULL,
                                                      AP_FTYPE_PROTOCOL - 1);
    ap_hook_post_read_request(tg_ap_hsts_mark_vhost_chosen, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_insert_filter(tg_ap_hsts_insert_filter, NULL, NULL, APR_HOOK_LAST);
    ap_hook_insert_error_filter(tg_ap_hsts_insert_filter, NULL, NULL, APR_HOOK_LAST);
    ap_hook_post_config(tg_ap_hsts_post_config, after_ssl, NULL, APR_HOOK_MIDDLE);
}

/* httpd finds the module by this symbol, the only one it exports: everything
 * else is built -fvisibility=hidden (AP_MODULE_DECLARE_DATA is empty on ELF). */
#pragma GCC visibility push(default)
AP_DECLARE_MODULE(tlsguard) = {
    STANDARD20_MODULE_STUFF,
    tg_ap_hsts_conf_create_dir, /* per-directory config creator */
    tg_ap_hsts_conf_merge_dir,  /* dir config merger */
    tg_ap_conf_create_srv,      /* server config creator */
    tg_ap_conf_merge_srv,       /* server config merger */
    tg_ap_conf_cmds,            /* command table */
    register_hooks,
    AP_MODULE_FLAG_ALWAYS_MERGE, /* every vhost needs its own record (eff, sink) */
};
#pragma GCC visibility pop
