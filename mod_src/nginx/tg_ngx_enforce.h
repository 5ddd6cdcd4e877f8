/* Enforcement of each server block's policy on the SSL_CTX nginx's ssl
 * module built for it. */
#ifndef TG_NGX_ENFORCE_H
#define TG_NGX_ENFORCE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

/* postconfiguration: after every module merged its server settings, so
 * nginx has applied all its ssl_* settings to each server block's context.
 * Any failure refuses the configuration (nginx -t, start, reload). */
ngx_int_t tg_ngx_enforce_all(ngx_conf_t *cf);

#endif
