/* Event sinks: where handshake events go (TLSGuardEventLog). */
#ifndef TG_APACHE_SINK_H
#define TG_APACHE_SINK_H

#include <httpd.h>
#include <apr_tables.h>

#include "tg_apache_syslog.h"

typedef enum { TG_SINK_FILE = 1, TG_SINK_PIPE, TG_SINK_SYSLOG } tg_ap_sink_kind_t;

/* Why a line was dropped, besides an errno. */
#define TG_SINK_ESHORT 0x7f000001u   /* a file took only part of the line */
#define TG_SINK_EBADLINE 0x7f000002u /* empty, unterminated or over TG_EVENT_LINE_MAX */

/* One sink's counters in this process. The handshake path only adds
 * (atomically, no lock); the reporter owns `reported` and `last_report`. */
typedef struct tg_ap_sink_counts_t {
    apr_uint32_t written;    /* lines written whole */
    apr_uint32_t dropped;    /* lines not written at all (or cut by a full disk) */
    apr_uint32_t last_error; /* errno or TG_SINK_E* of the latest drop */
    apr_uint32_t reported;   /* `dropped` as of the last report */
    apr_time_t last_report;  /* 0: never */
} tg_ap_sink_counts_t;

typedef struct tg_ap_sink_t {
    tg_ap_sink_kind_t kind;
    const char *spec;          /* as configured, for messages */
    const char *target;        /* file path, pipe command or socket path */
    int facility;              /* syslog: RFC 5424 code */
    int fd;                    /* file or pipe, opened in open_logs; -1 before */
    tg_ap_syslog_sock_t *sock;    /* syslog, opened in open_logs */
    server_rec *s;             /* the first server naming it: where reports go */
    tg_ap_sink_counts_t counts;
    unsigned metrics_slot;     /* in the shared counters (tg_apache_metrics.c) */
} tg_ap_sink_t;

/* Parse a TLSGuardEventLog argument: "/path", "|program args" or
 * "syslog[:facility][@/socket/path]". Returns NULL or an error message. */
const char *tg_ap_sink_parse(apr_pool_t *p, const char *arg, tg_ap_sink_t **out);

/* open_logs, every (re)start: a new, empty set of sinks. on_drop: called
 * after a line was dropped and counted; it must never wait. */
void tg_ap_sink_set_begin(apr_pool_t *pconf, void (*on_drop)(void));

/* Open sink for server s, or return the sink of this set already opened
 * with the same argument (two vhosts naming one log share it). NULL when it
 * cannot be opened (logged). quiet: the dry-run pass, which warns of nothing. */
tg_ap_sink_t *tg_ap_sink_open(apr_pool_t *pconf, server_rec *s, tg_ap_sink_t *sink, int quiet);

/* The distinct sinks of the running configuration (tg_ap_sink_t *), possibly none. */
const apr_array_header_t *tg_ap_sink_all(void);

/* Write one complete line (at most TG_EVENT_LINE_MAX bytes, '\n' last) whole
 * or not at all, without ever waiting: a file gets one write(), a pipe one
 * write() of at most PIPE_BUF on a non-blocking descriptor, syslog one
 * datagram sent with MSG_DONTWAIT. What cannot be written is counted, and
 * on_drop called (tg_apache_sink_report.c reports it). s: the connection's
 * server (reports name the sink's own). */
void tg_ap_sink_write(tg_ap_sink_t *sink, server_rec *s, const char *line, apr_size_t len);

/* Text for a tg_ap_sink_counts_t.last_error. */
const char *tg_ap_sink_error_text(apr_uint32_t err, char *buf, apr_size_t len);

#endif
