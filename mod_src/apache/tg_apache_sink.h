/* Event sinks: where handshake events go (TLSGuardEventLog). */
#ifndef TG_APACHE_SINK_H
#define TG_APACHE_SINK_H

#include <httpd.h>
#include <apr_file_io.h>

typedef enum { TG_SINK_FILE = 1, TG_SINK_PIPE, TG_SINK_SYSLOG } tg_sink_kind_t;

typedef struct tg_sink_t {
    tg_sink_kind_t kind;
    const char *spec;         /* as configured, for messages */
    const char *target;       /* file path or pipe command */
    int facility;             /* syslog */
    apr_file_t *fd;           /* file or pipe, opened in open_logs */
    apr_uint32_t errors;      /* failed writes since the last report (this process) */
    apr_uint32_t written;     /* lines written (this process) */
    apr_time_t last_report;
    int last_errno;
} tg_sink_t;

/* Parse a TLSGuardEventLog argument: "/path", "|program args", "syslog[:facility]".
 * Returns NULL or an error message. */
const char *tg_sink_parse(apr_pool_t *p, const char *arg, tg_sink_t **out);

/* Open every configured sink once (shared when two vhosts name the same one). */
int tg_sink_open_all(apr_pool_t *pconf, server_rec *s);

/* Write one complete line with a single write; never blocks for long, never
 * fails the caller: errors are counted and reported at most once a minute. */
void tg_sink_write(tg_sink_t *sink, server_rec *s, const char *line, apr_size_t len);

#endif
