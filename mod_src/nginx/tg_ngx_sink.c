/* Event sinks: see tg_ngx_sink.h.
 *   - file: one write() on an O_APPEND | O_NONBLOCK descriptor: lines from
 *     several workers never interleave, and a FIFO whose reader stalls
 *     answers EAGAIN (a write of at most PIPE_BUF is all-or-nothing); a FIFO
 *     is the module's own descriptor, opened non-blocking: nginx's open and
 *     reopen of its files would wait for a reader;
 *   - syslog: a datagram socket of our own, non-blocking, each line one
 *     sendmsg() with MSG_DONTWAIT (glibc's syslog() blocks when the receiver
 *     stops reading); RFC 5424 framing from core/tg_syslog.c. */
#include "tg_ngx_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tg_event.h"
#include "tg_ngx_sink_report.h"

#define SINK_SYNTAX "a file path or syslog[:facility][@/socket/path]"

static void close_sink(void *data)
{
    tg_ngx_sink_t *sink = data;
    if (sink->fd >= 0)
        close(sink->fd);
    sink->fd = -1;
}

static const char *parse_syslog(ngx_conf_t *cf, const char *arg, tg_ngx_sink_t *sink,
                                char *err, size_t errlen)
{
    const char *rest = arg + 6, *at = strchr(rest, '@');
    char name[32] = "local0";
    size_t len;

    if (*rest == ':') {
        len = at ? (size_t)(at - rest - 1) : strlen(rest + 1);
        if (len >= sizeof(name))
            len = sizeof(name) - 1;
        memcpy(name, rest + 1, len);
        name[len] = '\0';
    } else if (*rest != '@' && *rest != '\0') {
        snprintf(err, errlen, "unknown sink \"%s\" (expected %s)", arg, SINK_SYNTAX);
        return err;
    }
    sink->kind = TG_NGX_SINK_SYSLOG;
    sink->origin.facility = tg_syslog_facility(name);
    if (sink->origin.facility < 0) {
        snprintf(err, errlen, "unknown syslog facility \"%s\" (expected %s)", name,
                 tg_syslog_facility_names());
        return err;
    }
    sink->target = at ? at + 1 : TG_NGX_SYSLOG_DEFAULT_PATH;
    len = strlen(sink->target);
    if (sink->target[0] != '/' || len >= sizeof(sink->addr.sun_path)) {
        snprintf(err, errlen, "syslog socket path \"%s\" is not absolute or longer than %zu "
                 "bytes", sink->target, sizeof(sink->addr.sun_path) - 1);
        return err;
    }
    (void)cf;
    return NULL;
}

static int set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return errno;
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return errno;
    return 0;
}

/* An AF_UNIX datagram connect() does not wait; no receiver yet is no error:
 * each send tries the path again. */
static int open_syslog(tg_ngx_sink_t *sink)
{
    char host[TG_SYSLOG_HOST_MAX + 1];
    size_t len = strlen(sink->target);

    sink->addr.sun_family = AF_UNIX;
    memcpy(sink->addr.sun_path, sink->target, len + 1);
    sink->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    if (gethostname(host, sizeof(host)) != 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    tg_syslog_set_host(&sink->origin, host);
    sink->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (sink->fd < 0)
        return errno;
    return set_flags(sink->fd);
}

static int try_open(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0640);
}

/* A regular file: can it be opened for appending? nginx opens it for real
 * with the cycle (ngx_conf_open_file). A FIFO: kept open, ours (has it a
 * reader? ENXIO otherwise). */
static int open_file(ngx_conf_t *cf, tg_ngx_sink_t *sink, ngx_str_t *path)
{
    struct stat st;
    int fd;

    if (ngx_process == NGX_PROCESS_SIGNALLER)
        return 0; /* `nginx -s` only finds the master */
    if (stat(sink->target, &st) == 0 && S_ISFIFO(st.st_mode)) {
        sink->kind = TG_NGX_SINK_FIFO;
        sink->fd = try_open(sink->target);
        return sink->fd < 0 ? errno : 0;
    }
    fd = try_open(sink->target);
    if (fd < 0)
        return errno;
    close(fd);
    sink->file = ngx_conf_open_file(cf->cycle, path);
    return sink->file ? 0 : ENOMEM;
}

char *tg_ngx_sink_conf(ngx_conf_t *cf, ngx_str_t *arg, tg_ngx_sink_t **out)
{
    tg_ngx_sink_t *sink = ngx_pcalloc(cf->pool, sizeof(*sink));
    ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(cf->pool, 0);
    char err[512];
    int rv;

    if (sink == NULL || cln == NULL)
        return NGX_CONF_ERROR;
    sink->fd = -1;
    sink->nonblock_fd = -1;
    cln->handler = close_sink;
    cln->data = sink;
    if (arg->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"tlsguard_event_log\": needs %s", SINK_SYNTAX);
        return NGX_CONF_ERROR;
    }
    if (arg->len >= 6 && ngx_strncasecmp(arg->data, (u_char *)"syslog", 6) == 0) {
        if (parse_syslog(cf, (const char *)arg->data, sink, err, sizeof(err))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"tlsguard_event_log\": %s", err);
            return NGX_CONF_ERROR;
        }
        rv = open_syslog(sink);
    } else {
        ngx_str_t path = *arg;
        if (ngx_conf_full_name(cf->cycle, &path, 0) != NGX_OK)
            return NGX_CONF_ERROR;
        sink->kind = TG_NGX_SINK_FILE;
        sink->target = (const char *)path.data; /* NUL-terminated by nginx */
        rv = open_file(cf, sink, &path);
    }
    if (rv != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, rv, "\"tlsguard_event_log\": cannot open \"%s\"",
                           sink->target);
        return NGX_CONF_ERROR;
    }
    *out = sink;
    return NGX_CONF_OK;
}

static int send_syslog(tg_ngx_sink_t *sink, const char *line, size_t len)
{
    char header[TG_SYSLOG_HEADER_MAX];
    struct iovec iov[2];
    struct msghdr msg;
    struct timeval tv;
    ssize_t n;

    gettimeofday(&tv, NULL);
    iov[0].iov_base = header;
    iov[0].iov_len = tg_syslog_header(&sink->origin, (int64_t)tv.tv_sec * 1000000 + tv.tv_usec,
                                      (uint64_t)getpid(), header, sizeof(header));
    if (iov[0].iov_len == 0)
        return EINVAL;
    iov[1].iov_base = (void *)line;
    iov[1].iov_len = len;
    memset(&msg, 0, sizeof(msg));
    msg.msg_name = &sink->addr;
    msg.msg_namelen = sink->addr_len;
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    do
        n = sendmsg(sink->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? errno : 0;
}

/* One write(): whole, or EAGAIN and nothing (a FIFO, len <= PIPE_BUF). A
 * regular file that takes only part (a full disk) gets the line ended.
 * nginx's descriptor changes when it reopens the file: each new one is made
 * non-blocking before its first write. */
static int write_file(tg_ngx_sink_t *sink, const char *line, size_t len)
{
    int fd = sink->kind == TG_NGX_SINK_FIFO ? sink->fd
             : sink->file ? sink->file->fd : NGX_INVALID_FILE;
    int err;
    ssize_t n;

    if (fd == NGX_INVALID_FILE)
        return EBADF;
    if (fd != sink->nonblock_fd) {
        if ((err = set_flags(fd)) != 0)
            return err;
        sink->nonblock_fd = fd;
    }
    do
        n = write(fd, line, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno;
    if ((size_t)n == len)
        return 0;
    if (write(fd, "\n", 1) != 1) {
        /* still full: the next lines fail whole */
    }
    return EIO;
}

void tg_ngx_sink_write(tg_ngx_sink_t *sink, const char *line, size_t len)
{
    int err;
    if (len == 0 || len > TG_EVENT_LINE_MAX || len > PIPE_BUF || line[len - 1] != '\n')
        err = EINVAL;
    else if (sink->kind == TG_NGX_SINK_SYSLOG)
        err = sink->fd < 0 ? EBADF : send_syslog(sink, line, len - 1); /* the datagram is the line */
    else
        err = write_file(sink, line, len);
    if (err == 0) {
        sink->written++;
        return;
    }
    sink->dropped++;
    sink->last_error = err;
    if (sink->dropped == sink->reported + 1)
        tg_ngx_sink_report_wake();
}
