/* mod_tlsguard: the module record and hook registration, nothing else. */
#include <httpd.h>
#include <http_config.h>

#include <http_connection.h>

#include "tg_apache_audit.h"
#include "tg_apache_certcheck.h"
#include "tg_apache_certwatch.h"
#include "tg_apache_conf.h"
#include "tg_apache_conn.h"
#include "tg_apache_rawin.h"
#include "tg_apache_enforce.h"
#include "tg_apache_hsts.h"
#include "tg_apache_sink_report.h"
#include "tg_mod_ssl_hooks.h"

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_check_config(tg_enforce_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ssl, init_server, tg_enforce_init_server, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ssl, pre_handshake, tg_enforce_pre_handshake, NULL, NULL,
                      APR_HOOK_MIDDLE);
    ap_hook_open_logs(tg_enforce_open_logs, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_pre_config(tg_enforce_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(tg_sink_report_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(tg_enforce_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ssl, init_server, tg_audit_init_server, NULL, NULL, APR_HOOK_LAST);
    ap_hook_check_config(tg_certcheck_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(tg_certwatch_post_config, tg_certwatch_pred, tg_certwatch_succ,
                        APR_HOOK_MIDDLE);
    ap_hook_pre_close_connection(tg_conn_pre_close, NULL, NULL, APR_HOOK_MIDDLE);
    tg_rawin_register();
    tg_hsts_register_hooks(p);
}

AP_DECLARE_MODULE(tlsguard) = {
    STANDARD20_MODULE_STUFF,
    tg_hsts_conf_create_dir, /* per-directory config creator */
    tg_hsts_conf_merge_dir,  /* dir config merger */
    tg_conf_create_srv,      /* server config creator */
    tg_conf_merge_srv,       /* server config merger */
    tg_conf_cmds,            /* command table */
    register_hooks,
    AP_MODULE_FLAG_ALWAYS_MERGE, /* every vhost needs its own record (eff, sink) */
};
