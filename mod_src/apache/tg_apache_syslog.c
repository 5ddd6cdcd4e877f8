/* The syslog sink's socket. glibc's syslog() sends with a blocking send()
 * under a process-wide lock, so one receiver that stops reading stalls
 * every thread that logs; this socket is non-blocking, sends with
 * MSG_DONTWAIT and is shared by the threads without a lock (each datagram
 * is one sendmsg()). Framing: RFC 5424 (tg_syslog.h). */
#include "tg_apache_syslog.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* httpd ignores SIGPIPE anyway */
#endif

const char *tg_ap_syslog_check_path(apr_pool_t *p, const char *path)
{
    struct sockaddr_un un;
    size_t len = strlen(path);

    if (len == 0)
        return "\"@\" must be followed by the path of a syslog socket";
    if (path[0] != '/')
        return apr_psprintf(p, "syslog socket path \"%s\" is not absolute", path);
    if (len >= sizeof(un.sun_path))
        return apr_psprintf(p, "syslog socket path \"%s\" is %" APR_SIZE_T_FMT " bytes long; an "
                               "AF_UNIX address holds at most %" APR_SIZE_T_FMT,
                            path, len, sizeof(un.sun_path) - 1);
    return NULL;
}

static apr_status_t close_sock(void *data)
{
    tg_ap_syslog_sock_t *sock = data;

    if (sock->fd >= 0)
        close(sock->fd);
    sock->fd = -1;
    return APR_SUCCESS;
}

/* Non-blocking, and not inherited by piped loggers or CGI programs. */
static int set_fd_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return errno;
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return errno;
    return 0;
}

/* An AF_UNIX datagram connect() does not wait: it finds the receiver's
 * socket by path, or fails. */
static int connect_sock(tg_ap_syslog_sock_t *sock)
{
    int rv;

    do
        rv = connect(sock->fd, (const struct sockaddr *)&sock->addr, sock->addr_len);
    while (rv < 0 && errno == EINTR);
    return rv == 0 ? 0 : errno;
}

static void set_origin(tg_ap_syslog_sock_t *sock, int facility)
{
    char host[TG_SYSLOG_HOST_MAX + 1];

    if (gethostname(host, sizeof(host)) != 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    sock->origin.facility = facility;
    tg_syslog_set_host(&sock->origin, host);
}

tg_ap_syslog_sock_t *tg_ap_syslog_open(apr_pool_t *p, const char *path, int facility, int *err,
                                 int *connect_err)
{
    tg_ap_syslog_sock_t *sock = apr_pcalloc(p, sizeof(*sock));
    size_t len = strlen(path); /* < sizeof(sun_path): tg_ap_syslog_check_path */

    sock->addr.sun_family = AF_UNIX;
    memcpy(sock->addr.sun_path, path, len + 1);
    sock->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    set_origin(sock, facility);
    *connect_err = 0;
    sock->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (sock->fd < 0) {
        *err = errno;
        return NULL;
    }
    apr_pool_cleanup_register(p, sock, close_sock, apr_pool_cleanup_null);
    *err = set_fd_flags(sock->fd);
    if (*err)
        return NULL;
    *connect_err = connect_sock(sock);
    return sock;
}

static int send_once(tg_ap_syslog_sock_t *sock, struct msghdr *msg)
{
    ssize_t n;

    do
        n = sendmsg(sock->fd, msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? errno : 0;
}

/* A restarted receiver has a new socket at the same path: the old peer
 * answers ECONNREFUSED once, then the socket is unconnected. */
static int receiver_gone(int err)
{
    return err == ECONNREFUSED || err == ENOTCONN || err == EDESTADDRREQ || err == ECONNRESET;
}

int tg_ap_syslog_send(tg_ap_syslog_sock_t *sock, const char *line, size_t len)
{
    char header[TG_SYSLOG_HEADER_MAX];
    struct iovec iov[2];
    struct msghdr msg;
    int err;

    iov[0].iov_base = header;
    iov[0].iov_len = tg_syslog_header(&sock->origin, apr_time_now(), (uint64_t)getpid(),
                                      header, sizeof(header));
    if (iov[0].iov_len == 0)
        return EINVAL;
    iov[1].iov_base = (void *)line;
    iov[1].iov_len = len;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    err = send_once(sock, &msg);
    if (receiver_gone(err) && (err = connect_sock(sock)) == 0)
        err = send_once(sock, &msg);
    return err;
}
