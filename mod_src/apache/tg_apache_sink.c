/* Event sinks: an O_APPEND file, an httpd piped log, or a syslog socket.
 * Each event is one line of at most TG_EVENT_LINE_MAX (4096) bytes written
 * whole or not at all, and never waited for:
 *   - file: one write() on an O_APPEND, O_NONBLOCK descriptor (lines from
 *     many children never interleave; a FIFO behaves as a pipe does);
 *   - pipe: one write() on a descriptor set O_NONBLOCK here; POSIX makes a
 *     write of at most PIPE_BUF bytes to a pipe all-or-nothing, so a full
 *     pipe answers EAGAIN and the line is dropped, never cut (APR's
 *     apr_file_write with a pipe timeout retries with half the bytes, which
 *     tears lines, and holds the worker for the timeout);
 *   - syslog: one datagram (tg_apache_syslog.c).
 * Every drop is counted, and the reporter (tg_apache_sink_report.c) told. */
#include "tg_apache_sink.h"

#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_portable.h>
#include <apr_strings.h>
#include <errno.h>
#include <fcntl.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <limits.h>
#include <unistd.h>

#include "tg_apache_metrics.h"
#include "tg_event.h"
#include "tg_syslog.h"

APLOG_USE_MODULE(tlsguard);

_Static_assert(TG_EVENT_LINE_MAX <= PIPE_BUF,
               "an event line must fit one atomic write() to a pipe");

/* The sinks of the running configuration; opened: the same, by argument. */
static apr_array_header_t *all_sinks;
static apr_hash_t *opened;
static void (*drop_noted)(void);

#define SINK_SYNTAX "a file path, \"|program\" or syslog[:facility][@/socket/path]"

static const char *parse_syslog(apr_pool_t *p, const char *arg, tg_ap_sink_t *sink)
{
    const char *rest = arg + 6, *at = strchr(rest, '@');
    const char *name = "local0";

    if (*rest == ':')
        name = at ? apr_pstrmemdup(p, rest + 1, (apr_size_t)(at - rest - 1)) : rest + 1;
    else if (*rest != '@' && *rest != '\0')
        return apr_psprintf(p, "unknown sink \"%s\" (expected %s)", arg, SINK_SYNTAX);
    sink->kind = TG_SINK_SYSLOG;
    sink->facility = tg_syslog_facility(name);
    if (sink->facility < 0)
        return apr_psprintf(p, "unknown syslog facility \"%s\" (expected %s)", name,
                            tg_syslog_facility_names());
    sink->target = at ? at + 1 : TG_SYSLOG_DEFAULT_PATH;
    return tg_ap_syslog_check_path(p, sink->target);
}

const char *tg_ap_sink_parse(apr_pool_t *p, const char *arg, tg_ap_sink_t **out)
{
    tg_ap_sink_t *sink = apr_pcalloc(p, sizeof(*sink));
    const char *err = NULL;

    sink->spec = arg;
    sink->fd = -1;
    if (arg[0] == '\0') {
        err = "needs " SINK_SYNTAX;
    } else if (arg[0] == '|') {
        const char *cmd = arg + 1;
        while (apr_isspace(*cmd))
            cmd++;
        if (*cmd == '\0')
            err = "\"|\" must be followed by a program";
        sink->kind = TG_SINK_PIPE;
        sink->target = cmd;
    } else if (strncasecmp(arg, "syslog", 6) == 0) {
        err = parse_syslog(p, arg, sink);
    } else {
        sink->kind = TG_SINK_FILE;
        sink->target = ap_server_root_relative(p, arg);
        if (!sink->target)
            err = apr_psprintf(p, "invalid file path \"%s\"", arg);
    }
    *out = sink;
    return err;
}

/* httpd's piped log descriptor blocks; make it answer EAGAIN instead. Only
 * this sink writes to it (each ap_open_piped_log() has its own pipe), and
 * the logger reads the other end, which keeps its own flags. */
static apr_status_t set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return APR_FROM_OS_ERROR(errno);
    return APR_SUCCESS;
}

static apr_status_t open_fd(apr_pool_t *p, tg_ap_sink_t *sink)
{
    apr_file_t *f = NULL;
    apr_os_file_t fd;
    apr_status_t rv;

    if (sink->kind == TG_SINK_FILE) {
        /* O_NONBLOCK: nothing for a regular file; a path that is a FIFO (or
         * /dev/stdout on a pipe) then answers EAGAIN when full instead of
         * holding the worker, and refuses to open without a reader (ENXIO)
         * instead of holding the start for ever. */
        rv = apr_file_open(&f, sink->target,
                           APR_FOPEN_WRITE | APR_FOPEN_APPEND | APR_FOPEN_CREATE
                               | APR_FOPEN_LARGEFILE | APR_FOPEN_NONBLOCK,
                           APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, p);
    } else {
        piped_log *pl = ap_open_piped_log(p, sink->target);
        rv = pl ? APR_SUCCESS : APR_EGENERAL;
        if (pl)
            f = ap_piped_log_write_fd(pl);
    }
    if (rv == APR_SUCCESS)
        rv = apr_os_file_get(&fd, f);
    if (rv == APR_SUCCESS && sink->kind == TG_SINK_PIPE)
        rv = set_nonblocking(fd);
    if (rv == APR_SUCCESS)
        sink->fd = fd;
    return rv;
}

static apr_status_t open_syslog(apr_pool_t *p, server_rec *s, tg_ap_sink_t *sink, int quiet)
{
    int err, connect_err;

    sink->sock = tg_ap_syslog_open(p, sink->target, sink->facility, &err, &connect_err);
    if (!sink->sock)
        return APR_FROM_OS_ERROR(err);
    if (connect_err && !quiet)
        ap_log_error(APLOG_MARK, APLOG_WARNING, APR_FROM_OS_ERROR(connect_err), s,
                     "TLSGUARD-033: TLSGuardEventLog %s: no syslog receiver at %s yet; "
                     "each event tries again, and those that find none are counted as lost",
                     sink->spec, sink->target);
    return APR_SUCCESS;
}

static apr_status_t open_one(apr_pool_t *p, server_rec *s, tg_ap_sink_t *sink, int quiet)
{
    apr_status_t rv;

    sink->s = s;
    rv = sink->kind == TG_SINK_SYSLOG ? open_syslog(p, s, sink, quiet) : open_fd(p, sink);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "TLSGUARD-031: TLSGuardEventLog %s: cannot open \"%s\"", sink->spec,
                     sink->target);
    return rv;
}

void tg_ap_sink_set_begin(apr_pool_t *pconf, void (*on_drop)(void))
{
    drop_noted = on_drop;
    all_sinks = apr_array_make(pconf, 2, sizeof(tg_ap_sink_t *));
    opened = apr_hash_make(pconf);
}

tg_ap_sink_t *tg_ap_sink_open(apr_pool_t *pconf, server_rec *s, tg_ap_sink_t *sink, int quiet)
{
    tg_ap_sink_t *same = apr_hash_get(opened, sink->spec, APR_HASH_KEY_STRING);

    if (same)
        return same;
    if (open_one(pconf, s, sink, quiet) != APR_SUCCESS)
        return NULL;
    apr_hash_set(opened, sink->spec, APR_HASH_KEY_STRING, sink);
    APR_ARRAY_PUSH(all_sinks, tg_ap_sink_t *) = sink;
    return sink;
}

const apr_array_header_t *tg_ap_sink_all(void)
{
    return all_sinks;
}

/* One write(); 0 or why the line is not in the log whole. */
static apr_uint32_t write_line(int fd, const char *line, apr_size_t len)
{
    ssize_t n;

    do
        n = write(fd, line, len);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)len)
        return 0;
    if (n < 0)
        return (apr_uint32_t)errno;
    /* Only a file can take part of a line (a full disk): end the fragment,
     * so the lines after it stay whole. */
    if (write(fd, "\n", 1) != 1) {
        /* the disk is still full: the next lines fail whole */
    }
    return TG_SINK_ESHORT;
}

static int is_line(const char *line, apr_size_t len)
{
    return len > 0 && len <= TG_EVENT_LINE_MAX && line[len - 1] == '\n';
}

void tg_ap_sink_write(tg_ap_sink_t *sink, server_rec *s, const char *line, apr_size_t len)
{
    apr_uint32_t err;

    (void)s;
    if (!is_line(line, len))
        err = TG_SINK_EBADLINE;
    else if (sink->kind == TG_SINK_SYSLOG)
        err = sink->sock ? (apr_uint32_t)tg_ap_syslog_send(sink->sock, line, len - 1) : EBADF;
    else
        err = sink->fd >= 0 ? write_line(sink->fd, line, len) : EBADF;
    if (err == 0) {
        apr_atomic_inc32(&sink->counts.written);
        tg_ap_metrics_count_event(sink->metrics_slot, TG_EVENTS_WRITTEN);
        return;
    }
    apr_atomic_set32(&sink->counts.last_error, err);
    apr_atomic_inc32(&sink->counts.dropped);
    tg_ap_metrics_count_event(sink->metrics_slot, TG_EVENTS_DROPPED);
    if (drop_noted)
        drop_noted();
}

const char *tg_ap_sink_error_text(apr_uint32_t err, char *buf, apr_size_t len)
{
    if (err == TG_SINK_ESHORT)
        return "short write (part of a line; the fragment was ended with a newline)";
    if (err == TG_SINK_EBADLINE)
        return "not one line of at most 4096 bytes";
    if (err == 0)
        return "none";
    return apr_strerror(APR_FROM_OS_ERROR((int)err), buf, len);
}
