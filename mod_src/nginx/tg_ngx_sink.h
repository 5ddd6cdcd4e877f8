/* Event sinks of the nginx adapter (tlsguard_event_log): an O_APPEND file
 * (or FIFO) and a syslog datagram socket. Each event line (at most
 * TG_EVENT_LINE_MAX = PIPE_BUF bytes) is written whole or not at all, and
 * never waited for; what cannot be written is counted. */
#ifndef TG_NGX_SINK_H
#define TG_NGX_SINK_H

#include <ngx_config.h>
#include <ngx_core.h>

#include <sys/un.h>

#include "tg_syslog.h"

#define TG_NGX_SYSLOG_DEFAULT_PATH "/dev/log"

typedef enum { TG_NGX_SINK_FILE = 1, TG_NGX_SINK_FIFO, TG_NGX_SINK_SYSLOG } tg_ngx_sink_kind_t;

typedef struct tg_ngx_sink_t {
    tg_ngx_sink_kind_t kind;
    const char *target;        /* file path or socket path */
    int fd;                    /* syslog: our socket; FIFO: our write end; opened with the
                                * configuration, -1: none */
    ngx_open_file_t *file;     /* file: nginx's, reopened by it on USR1 (`nginx -s reopen`) */
    int nonblock_fd;           /* the file descriptor last made non-blocking; -1: none */
    struct sockaddr_un addr;   /* syslog receiver */
    socklen_t addr_len;
    tg_syslog_origin_t origin; /* syslog header */
    ngx_uint_t written;        /* per worker */
    ngx_uint_t dropped;
    ngx_uint_t reported;       /* `dropped` as of the last report (tg_ngx_sink_report.c) */
    int last_error;
} tg_ngx_sink_t;

/* Parse and open a tlsguard_event_log argument: "/path" (relative: to the
 * prefix) or "syslog[:facility][@/socket/path]". Returns NGX_CONF_OK or an
 * error logged against the directive. A file is tried here (for that error)
 * and then left to nginx's open files, which nginx opens with the cycle and
 * reopens, chowned for the workers, on `nginx -s reopen` as logrotate asks.
 * A FIFO is opened here, non-blocking, and never reopened: nginx opens its
 * files blocking, which for a FIFO without a reader waits for one. The
 * socket and the FIFO belong to the configuration's pool and close with it.
 * `nginx -s` opens nothing. */
char *tg_ngx_sink_conf(ngx_conf_t *cf, ngx_str_t *arg, tg_ngx_sink_t **out);

/* One complete line ('\n' last): one write() or one datagram, never a wait. */
void tg_ngx_sink_write(tg_ngx_sink_t *sink, const char *line, size_t len);

#endif
