/* test_mock_scale.c - the mock under many connections: idle ones held by one client do not lock
 * out another, a client past its per-address limit is turned away while others are served,
 * and idle or half-sent requests are closed after the timeout. Descriptor use stays modest
 * (a few hundred) so the default `ulimit -n` of CI is enough. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock_fixture.h"
#include "net_util.h"

#define IDLE 300u

/* A TCP connection from `source` (an address of the loopback net) to 127.0.0.1:port. */
static int connect_from(const char *source, unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
    struct sockaddr_in from = cf_test_loopback(0);
    cr_assert_eq(inet_pton(AF_INET, source, &from.sin_addr), 1);
    cr_assert_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0, "bind %s: %s", source,
                 strerror(errno));
    struct sockaddr_in to = cf_test_loopback(port);
    cr_assert_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0, "connect: %s",
                 strerror(errno));
    return fd;
}

/* Sends a request on fd and waits up to `ms` for an answer's status line: its status code, or
 * 0 when the server closed the connection or nothing came. */
static int ask(int fd, unsigned ms)
{
    static const char req[] = "GET /nowhere HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n";
    if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1))
        return 0;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)ms) != 1)
        return 0;
    char buf[64] = "";
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
    int status = 0;
    if (n > 12 && sscanf(buf, "HTTP/1.1 %d", &status) == 1)
        return status;
    return 0;
}

/* The status a new client from `source` gets within 1 s (0: closed or nothing). */
static int status_from(const char *source, unsigned short port)
{
    int fd = connect_from(source, port);
    int status = ask(fd, 1000);
    close(fd);
    return status;
}

/* Starts the mock with `o` on a free port and returns the port. */
static unsigned short start(cf_test_mock *s, cf_mock_opts *o)
{
    cf_test_mock_start_opts(s, cf_test_mock_specs[0], o);
    return (unsigned short)cf_mock_port(s->mock);
}

/* Opens `n` idle connections from 127.0.0.1 into fds. */
static void hold_idle(int *fds, size_t n, unsigned short port)
{
    for (size_t i = 0; i < n; i++)
        fds[i] = connect_from("127.0.0.1", port);
    cf_test_sleep_ms(200); /* let the server accept what it will */
}

static void release(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
}

Test(mock_scale, idle_connections_of_one_client_do_not_lock_out_another, .timeout = 30)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    cf_test_mock s;
    unsigned short port = start(&s, &o);
    int fds[IDLE];
    hold_idle(fds, IDLE, port);
    /* With the defaults every idle one is accepted, and a new client, even from the same
     * address, is answered at once: an idle connection costs a socket, not a thread. */
    cr_expect_eq(status_from("127.0.0.1", port), 404, "a new client, same address, is served");
    cr_expect_eq(status_from("127.0.0.2", port), 404, "a client from another address is served");
    /* The idle ones are still open and still served. */
    cr_expect_eq(ask(fds[0], 1000), 404);
    release(fds, IDLE);
    cf_test_mock_stop(&s);
}

Test(mock_scale, a_client_past_its_address_limit_is_turned_away_others_are_not, .timeout = 30)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.per_ip_connections = 100;
    o.max_connections = 250;
    cf_test_mock s;
    unsigned short port = start(&s, &o);
    int fds[IDLE];
    hold_idle(fds, IDLE, port); /* 100 accepted, 200 closed by the per-address limit */
    cr_expect_eq(status_from("127.0.0.1", port), 0, "the 301st of one address is closed");
    cr_expect_eq(status_from("127.0.0.2", port), 404, "another client is served");
    release(fds, IDLE);
    cf_test_mock_stop(&s);
}

Test(mock_scale, idle_and_half_sent_requests_are_closed_after_the_timeout, .timeout = 30)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.timeout_s = 1;
    cf_test_mock s;
    unsigned short port = start(&s, &o);
    int idle = connect_from("127.0.0.1", port);
    int half = connect_from("127.0.0.1", port);
    static const char part[] =
        "POST /x HTTP/1.1\r\nHost: mock\r\nContent-Length: 100\r\n\r\n{\"a\"";
    cr_assert_eq(send(half, part, sizeof(part) - 1, MSG_NOSIGNAL), (ssize_t)(sizeof(part) - 1));
    int fds[2] = {idle, half};
    for (size_t i = 0; i < 2; i++) {
        /* Closed by the server within the timeout and some slack: recv sees the end. */
        struct pollfd p = {fds[i], POLLIN, 0};
        cr_assert_eq(poll(&p, 1, 5000), 1, "connection %zu still open after 5 s", i);
        char buf[256];
        ssize_t n = recv(fds[i], buf, sizeof(buf), 0);
        cr_expect_leq(n, 0, "connection %zu got %zd bytes instead of being closed", i, n);
        close(fds[i]);
    }
    cf_test_mock_stop(&s);
}
