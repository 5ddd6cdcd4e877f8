/* The syslog sink's own datagram socket: never blocks, never takes a lock
 * (glibc's syslog() does both), follows a receiver that restarts. */
#ifndef TG_APACHE_SYSLOG_H
#define TG_APACHE_SYSLOG_H

#include <httpd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "tg_syslog.h"

#define TG_SYSLOG_DEFAULT_PATH "/dev/log"

typedef struct tg_ap_syslog_sock_t {
    int fd;
    struct sockaddr_un addr;
    socklen_t addr_len;
    tg_syslog_origin_t origin;
} tg_ap_syslog_sock_t;

/* NULL, or what is wrong with a socket path (not absolute, too long for
 * sun_path). */
const char *tg_ap_syslog_check_path(apr_pool_t *p, const char *path);

/* Create the socket (closed with p) and try to connect it. Returns the
 * socket, or NULL with *err set when no socket can be made; *connect_err is
 * 0 or why the receiver is not reachable yet (not fatal: every send tries
 * again). */
tg_ap_syslog_sock_t *tg_ap_syslog_open(apr_pool_t *p, const char *path, int facility, int *err,
                                 int *connect_err);

/* Send one event line (without its newline) as one RFC 5424 datagram, with
 * MSG_DONTWAIT. A receiver that went away (restarted) gets one reconnect
 * and one more try. Returns 0 or the errno of the failure (EAGAIN: the
 * receiver is not reading). */
int tg_ap_syslog_send(tg_ap_syslog_sock_t *sock, const char *line, size_t len);

#endif
