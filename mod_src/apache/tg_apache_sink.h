/* Event sinks: where handshake events go (TLSGuardEventLog). */
#ifndef TG_APACHE_SINK_H
#define TG_APACHE_SINK_H

#include <httpd.h>
#include <apr_file_io.h>
#include <apr_tables.h>

typedef enum { TG_SINK_FILE = 1, TG_SINK_PIPE, TG_SINK_SYSLOG } tg_sink_kind_t;

/* Why a line was dropped, besides an APR status. */
#define TG_SINK_ESHORT 0x7f000001u /* only part of the line was written */

/* One sink's counters in this process. The handshake path only adds
 * (atomically, no lock); the reporter owns `reported` and `last_report`. */
typedef struct tg_sink_counts_t {
    apr_uint32_t written;    /* lines written whole */
    apr_uint32_t dropped;    /* lines not written at all (or cut) */
    apr_uint32_t last_error; /* APR status or TG_SINK_ESHORT of the latest drop */
    apr_uint32_t reported;   /* `dropped` as of the last report */
    apr_time_t last_report;  /* 0: never */
} tg_sink_counts_t;

typedef struct tg_sink_t {
    tg_sink_kind_t kind;
    const char *spec;         /* as configured, for messages */
    const char *target;       /* file path or pipe command */
    int facility;             /* syslog */
    apr_file_t *fd;           /* file or pipe, opened in open_logs */
    server_rec *s;            /* the first server naming it: where reports go */
    tg_sink_counts_t counts;
} tg_sink_t;

/* Parse a TLSGuardEventLog argument: "/path", "|program args", "syslog[:facility]".
 * Returns NULL or an error message. */
const char *tg_sink_parse(apr_pool_t *p, const char *arg, tg_sink_t **out);

/* Open every configured sink once (shared when two vhosts name the same one). */
int tg_sink_open_all(apr_pool_t *pconf, server_rec *s);

/* The distinct sinks of the running configuration (tg_sink_t *), possibly none. */
const apr_array_header_t *tg_sink_all(void);

/* Write one complete line with a single write; never fails the caller: what
 * cannot be written is counted and reported by tg_apache_sink_report.c.
 * s: the connection's server (reports name the sink's own). */
void tg_sink_write(tg_sink_t *sink, server_rec *s, const char *line, apr_size_t len);

/* Text for a tg_sink_counts_t.last_error. */
const char *tg_sink_error_text(apr_uint32_t err, char *buf, apr_size_t len);

#endif
