/* Report-only roll-out: TLSGuardMode report and TLSGuardReportProfile.
 * At start-up each vhost gets what the judge (core/tg_judge) needs: the
 * policies to judge (as OpenSSL would enforce them there) and the vhost's
 * certificates. Per connection the hello is judged once, at the first
 * request (so the event carries its User-Agent, Host and method) or at
 * close when no request came, and a would_reject event is written for each
 * policy that would refuse it. */
#ifndef TG_APACHE_REPORT_H
#define TG_APACHE_REPORT_H

#include <httpd.h>
#include <openssl/ssl.h>

#include "tg_judge.h"

#define TG_AP_REPORT_MAX 2 /* the mode's profile, the report profile */

typedef struct tg_ap_report_vhost_t {
    tg_judge_certs_t certs;
    tg_judge_policy_t policies[TG_AP_REPORT_MAX];
    size_t n;
} tg_ap_report_vhost_t;

/* init_server, before enforcement touches ctx: the judge's inputs for s,
 * if it judges anything. OK, or an error (logged, naming the vhost). */
int tg_ap_report_init_server(server_rec *s, apr_pool_t *p, SSL_CTX *ctx);

/* post_read_request: the connection's first request concludes its report. */
int tg_ap_report_request(request_rec *r);

/* pre_close_connection, before the handshake event: a connection without
 * a request concludes its report here. */
void tg_ap_report_close(conn_rec *c);

#endif
