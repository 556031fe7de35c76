/* test_transport.c - libcurl multi transport against loopback servers, good and bad. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_server.h"
#include "base/limits.h"
#include "http/transport.h"

#define OK_RESPONSE                                                                                \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"                  \
    "Connection: close\r\n\r\n{\"ok\":true}"

/* A request built by hand (request.c is not under test here). */
static void request_make(cf_request *r, const char *method, const char *url, const char *body)
{
    memset(r, 0, sizeof(*r));
    r->method = strdup(method);
    r->url = strdup(url);
    cr_assert(r->method && r->url);
    if (body) {
        r->body = strdup(body);
        cr_assert_not_null(r->body);
        r->body_len = strlen(body);
    }
}

static void request_free(cf_request *r)
{
    free(r->method);
    free(r->url);
    free(r->body);
    cf_headers_cleanup(&r->headers);
    memset(r, 0, sizeof(*r));
}

static cf_transport *transport_make(unsigned jobs, long timeout_ms, size_t max_body)
{
    cf_transport_opts o;
    cf_transport_opts_init(&o);
    o.jobs = jobs;
    if (timeout_ms)
        o.timeout_ms = timeout_ms;
    if (max_body)
        o.max_body = max_body;
    cf_transport *t = NULL;
    cr_assert_eq(cf_transport_new(&o, &t), CF_OK);
    return t;
}

/* Performs one request and leaves the answer in *resp (cleanup by the caller). */
static cf_rc perform_one(cf_transport *t, const cf_request *req, cf_response *resp, size_t max_body)
{
    cf_response_init(resp, max_body);
    cf_exchange ex = {req, resp, 0, 0};
    return cf_transport_perform(t, &ex, 1, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

Test(transport, options_have_safe_defaults, .timeout = 10)
{
    cf_transport_opts o;
    cf_transport_opts_init(&o);
    cr_assert_eq(o.jobs, 8);
    cr_assert_eq(o.timeout_ms, 10000);
    cr_assert_eq(o.connect_timeout_ms, 5000);
    cr_assert_null(o.proxy);
    cr_assert_null(o.cacert);
    cr_assert_eq(o.insecure, 0);
    cr_assert_eq(o.max_body, CF_MAX_RESPONSE_BODY);
    cr_assert_eq(o.retries, 0);
    o.jobs = 0;
    cf_transport *t = (cf_transport *)&o;
    cr_assert_eq(cf_transport_new(&o, &t), CF_E_USAGE);
    cr_assert_null(t);
    cf_transport_free(NULL);
}

Test(transport, a_post_gets_its_answer, .timeout = 10)
{
    cf_test_server_opts so = {
        .body = "{\"success\":true}", .header_name = "x-amzn-RequestId", .header_value = "r-1"};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "POST", cf_test_server_url(srv, "/participant/attachment", url, sizeof(url)),
                 "{}");
    cf_transport *t = transport_make(2, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    cr_assert_eq(resp.status, 200);
    cr_assert_str_eq(cf_buf_str(&resp.body), "{\"success\":true}");
    cr_assert_str_eq(cf_headers_get(&resp.headers, "X-Amzn-RequestId"), "r-1");
    cr_assert(
        cf_http_media_type_is(cf_headers_get(&resp.headers, "content-type"), "application/json"));
    cr_assert_gt(resp.elapsed_ms, 0.0);
    cr_assert_lt(resp.elapsed_ms, 5000.0);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

/* The echo body's header lines, between the request line and the blank line. */
static size_t header_lines(const char *echo, char lines[][128], size_t max)
{
    const char *p = strchr(echo, '\n');
    size_t n = 0;
    while (p && p[1] && p[1] != '\n' && n < max) {
        p++;
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(lines[n++], 128, "%.*s", (int)len, p);
        p = end;
    }
    return n;
}

static int has_line(char lines[][128], size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(lines[i], want) == 0)
            return 1;
    return 0;
}

Test(transport, sends_exactly_the_request_headers, .timeout = 10)
{
    cf_test_server *srv = cf_test_server_start(NULL);
    cr_assert_not_null(srv);
    char url[128], host[64];
    cf_request req;
    request_make(&req, "POST", cf_test_server_url(srv, "/echo?x=1", url, sizeof(url)), "{\"a\":1}");
    cr_assert_eq(cf_headers_add(&req.headers, "Content-Type", "application/json"), CF_OK);
    cr_assert_eq(cf_headers_add(&req.headers, "X-Amz-Bearer", "secret"), CF_OK);
    cr_assert_eq(cf_headers_add(&req.headers, "X-Empty", ""), CF_OK);
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    const char *echo = cf_buf_str(&resp.body);
    cr_assert(strncmp(echo, "POST /echo\n", 11) == 0, "%s", echo);
    char lines[16][128];
    size_t n = header_lines(echo, lines, 16);
    snprintf(host, sizeof(host), "Host: 127.0.0.1:%u", (unsigned)cf_test_server_port(srv));
    static const char *const want[] = {"Content-Type: application/json", "X-Amz-Bearer: secret",
                                       "X-Empty: ", "Content-Length: 7"};
    cr_assert(has_line(lines, n, host), "%s", echo);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        cr_assert(has_line(lines, n, want[i]), "missing '%s' in\n%s", want[i], echo);
    cr_assert_eq(n, 5, "curl added headers of its own:\n%s", echo);
    cr_assert(strstr(echo, "\n\n{\"a\":1}") != NULL, "%s", echo);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

/* A handle's requests one after the other: each sends its own headers, none of the last's. */
Test(transport, each_request_of_a_handle_sends_its_own_headers, .timeout = 10)
{
    static const char *const sets[][3] = {
        {"X-A: 1", "X-B: 2", NULL}, {"X-A: 1", "X-B: 2", NULL}, {"X-A: 1", "X-C: 3", NULL},
        {"X-A: 1", NULL, NULL},     {"X-D: 4", "X-A: 1", NULL}, {NULL, NULL, NULL},
    };
    cf_test_server *srv = cf_test_server_start(NULL);
    cr_assert_not_null(srv);
    cf_transport *t = transport_make(1, 0, 0);
    char url[128];
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        cf_request req;
        request_make(&req, "GET", cf_test_server_url(srv, "/h", url, sizeof(url)), NULL);
        size_t count = 0;
        for (; count < 3 && sets[i][count]; count++) {
            char name[8];
            snprintf(name, sizeof(name), "%.3s", sets[i][count]);
            cr_assert_eq(cf_headers_add(&req.headers, name, sets[i][count] + 5), CF_OK);
        }
        cf_response resp;
        cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
        cr_assert_eq(resp.transport_rc, CF_OK, "%zu: %s", i, resp.transport_error);
        const char *echo = cf_buf_str(&resp.body);
        char lines[16][128];
        size_t n = header_lines(echo, lines, 16);
        cr_assert_eq(n, count + 1, "%zu: Host and exactly its own headers:\n%s", i, echo);
        for (size_t k = 0; k < count; k++)
            cr_assert(has_line(lines, n, sets[i][k]), "%zu: missing '%s' in\n%s", i, sets[i][k],
                      echo);
        cf_response_cleanup(&resp);
        request_free(&req);
    }
    cf_transport_free(t);
    cf_test_server_stop(srv);
}

typedef struct {
    const char *method;
    const char *body;           /* NULL: none */
    const char *content_length; /* expected line, NULL: none */
} body_case;

Test(transport, body_or_none_as_the_request_says, .timeout = 10)
{
    static const body_case cases[] = {
        {"DELETE", NULL, NULL},
        {"POST", NULL, NULL},
        {"POST", "", "Content-Length: 0"},
        {"GET", "x=1", "Content-Length: 3"},
        {"PUT", "{}", "Content-Length: 2"},
        {"GET", NULL, NULL}, /* the handle's methods go back to curl's own */
        {"POST", "{}", "Content-Length: 2"},
        {"DELETE", "{}", "Content-Length: 2"},
    };
    cf_test_server *srv = cf_test_server_start(NULL);
    cr_assert_not_null(srv);
    cf_transport *t = transport_make(1, 0, 0);
    char url[128], start[64];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_request req;
        request_make(&req, cases[i].method, cf_test_server_url(srv, "/b", url, sizeof(url)),
                     cases[i].body);
        cf_response resp;
        cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
        cr_assert_eq(resp.transport_rc, CF_OK, "case %zu: %s", i, resp.transport_error);
        const char *echo = cf_buf_str(&resp.body);
        snprintf(start, sizeof(start), "%s /b\n", cases[i].method);
        cr_assert(strncmp(echo, start, strlen(start)) == 0, "case %zu: %s", i, echo);
        char lines[16][128];
        size_t n = header_lines(echo, lines, 16);
        cr_assert_eq(n, cases[i].content_length ? 2 : 1, "case %zu:\n%s", i, echo);
        if (cases[i].content_length)
            cr_assert(has_line(lines, n, cases[i].content_length), "case %zu:\n%s", i, echo);
        cf_response_cleanup(&resp);
        request_free(&req);
    }
    cf_transport_free(t);
    cf_test_server_stop(srv);
}

Test(transport, redirects_are_not_followed, .timeout = 10)
{
    cf_test_server_opts so = {.status = 302,
                              .body = "",
                              .header_name = "Location",
                              .header_value = "http://127.0.0.1:1/elsewhere"};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_test_server_url(srv, "/r", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    cr_assert_eq(resp.status, 302);
    cr_assert_str_eq(cf_headers_get(&resp.headers, "location"), "http://127.0.0.1:1/elsewhere");
    cr_assert_eq(cf_test_server_requests(srv), 1);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

Test(transport, refused_connection_names_the_port, .timeout = 10)
{
    unsigned short port = cf_test_closed_port();
    cr_assert_neq(port, 0);
    char url[128], portstr[16];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", (unsigned)port);
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
    cf_request req;
    request_make(&req, "GET", url, NULL);
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK, "a refused connection never fails");
    cr_assert_eq(resp.transport_rc, CF_E_TRANSPORT);
    cr_assert_eq(resp.status, 0);
    cr_assert(strstr(resp.transport_error, portstr) != NULL, "%s", resp.transport_error);
    cr_assert(strstr(resp.transport_error, "onnect") != NULL, "%s", resp.transport_error);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
}

Test(transport, other_schemes_are_refused, .timeout = 10)
{
    static const char *const urls[] = {"ftp://127.0.0.1/x", "file:///etc/passwd",
                                       "gopher://127.0.0.1/", "not a url"};
    cf_transport *t = transport_make(2, 0, 0);
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        cf_request req;
        request_make(&req, "GET", urls[i], NULL);
        cf_response resp;
        cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
        cr_assert_eq(resp.transport_rc, CF_E_TRANSPORT, "%s", urls[i]);
        cr_assert_eq(resp.body.len, 0);
        cr_assert_neq(resp.transport_error[0], '\0');
        cf_response_cleanup(&resp);
        request_free(&req);
    }
    cf_transport_free(t);
}

Test(transport, a_request_without_url_fails_alone, .timeout = 10)
{
    cf_test_server *srv = cf_test_server_start(NULL);
    cr_assert_not_null(srv);
    char url[128];
    cf_request good, bad;
    request_make(&good, "GET", cf_test_server_url(srv, "/", url, sizeof(url)), NULL);
    memset(&bad, 0, sizeof(bad));
    cf_response r[3];
    for (int i = 0; i < 3; i++)
        cf_response_init(&r[i], 0);
    cf_exchange ex[3] = {{&good, &r[0], 0, 0}, {&bad, &r[1], 0, 0}, {NULL, &r[2], 0, 0}};
    cf_transport *t = transport_make(2, 0, 0);
    cr_assert_eq(cf_transport_perform(t, ex, 3, NULL), CF_OK);
    cr_assert_eq(r[0].transport_rc, CF_OK);
    cr_assert_eq(r[1].transport_rc, CF_E_INVALID);
    cr_assert_eq(r[2].transport_rc, CF_E_INVALID);
    for (int i = 0; i < 3; i++)
        cf_response_cleanup(&r[i]);
    cf_transport_free(t);
    request_free(&good);
    cf_test_server_stop(srv);
}

Test(transport, slow_server_times_out, .timeout = 10)
{
    cf_raw_server_opts ro = {.response = OK_RESPONSE, .chunk = 1, .chunk_delay_ms = 200};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_raw_server_url(srv, "/slow", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(1, 300, 0);
    cf_response resp;
    double t0 = now_ms();
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    double took = now_ms() - t0;
    cr_assert_eq(resp.transport_rc, CF_E_TIMEOUT, "%s", resp.transport_error);
    cr_assert(strstr(resp.transport_error, "imeout") || strstr(resp.transport_error, "timed out"),
              "%s", resp.transport_error);
    cr_assert_geq(took, 250.0);
    cr_assert_lt(took, 3000.0);
    cr_assert_geq(resp.elapsed_ms, 250.0);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}

Test(transport, reset_mid_body_is_a_transport_error, .timeout = 10)
{
    static const char partial[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"data\":\"";
    cf_raw_server_opts ro = {.response = partial, .cut = 1, .cut_at = sizeof(partial) - 1};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_raw_server_url(srv, "/reset", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_E_TRANSPORT, "%s", resp.transport_error);
    cr_assert_neq(resp.transport_error[0], '\0');
    cr_assert_not(resp.body_truncated);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}

Test(transport, oversize_body_is_cut_at_its_bound, .timeout = 10)
{
    size_t big_len = 200000;
    char *big = malloc(big_len + 1);
    cr_assert_not_null(big);
    memset(big, 'x', big_len);
    big[big_len] = '\0';
    cf_test_server_opts so = {.body = big};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_test_server_url(srv, "/big", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(1, 0, 1000);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 1000), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_E_TOO_LARGE, "%s", resp.transport_error);
    cr_assert(resp.body_truncated);
    cr_assert_eq(resp.body.len, 1000);
    cr_assert_eq(resp.status, 200);
    cr_assert(strstr(resp.transport_error, "1000") != NULL, "%s", resp.transport_error);
    cf_response_finish(&resp, NULL);
    cr_assert_eq(resp.json_rc, CF_E_TOO_LARGE);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
    free(big);
}

Test(transport, the_tighter_body_bound_applies, .timeout = 10)
{
    cf_test_server_opts so = {.body = "{\"padding\":\"0123456789012345678901234567890123456789\"}"};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_test_server_url(srv, "/b", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(1, 0, 16);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_E_TOO_LARGE, "%s", resp.transport_error);
    cr_assert_eq(resp.body.len, 16);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

Test(transport, methods_must_be_tokens, .timeout = 10)
{
    cf_request req;
    request_make(&req, "GET / HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET", "http://127.0.0.1:1/", NULL);
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_E_INVALID);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
}

Test(transport, interim_responses_are_replaced_by_the_final_one, .timeout = 10)
{
    cf_raw_server_opts ro = {.response =
                                 "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n" OK_RESPONSE};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "POST", cf_raw_server_url(srv, "/c", url, sizeof(url)), "{}");
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    cr_assert_eq(resp.status, 200);
    cr_assert_null(cf_headers_get(&resp.headers, "X-Interim"));
    cr_assert_str_eq(cf_headers_get(&resp.headers, "content-length"), "11");
    cr_assert_str_eq(cf_buf_str(&resp.body), "{\"ok\":true}");
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}

Test(transport, twenty_requests_four_at_a_time, .timeout = 10)
{
    enum { N = 20 };
    cf_test_server_opts so = {.body = "{}", .delay_ms = 30, .thread_per_connection = 1};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_test_server_url(srv, "/n", url, sizeof(url)), NULL);
    cf_response r[N];
    cf_exchange ex[N];
    for (int i = 0; i < N; i++) {
        cf_response_init(&r[i], 0);
        ex[i] = (cf_exchange){&req, &r[i], 0, 0};
    }
    cf_transport *t = transport_make(4, 0, 0);
    double t0 = now_ms();
    cr_assert_eq(cf_transport_perform(t, ex, N, NULL), CF_OK);
    double took = now_ms() - t0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(r[i].transport_rc, CF_OK, "%d: %s", i, r[i].transport_error);
        cr_assert_eq(r[i].status, 200);
        cf_response_cleanup(&r[i]);
    }
    cr_assert_eq(cf_test_server_requests(srv), N);
    cr_assert_leq(cf_test_server_max_open(srv), 4);
    cr_assert_geq(cf_test_server_max_open(srv), 2, "requests ran one at a time");
    /* 20 x 30 ms one at a time would be 600 ms; four at a time about 150 ms. */
    cr_assert_lt(took, 500.0, "took %.0f ms", took);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

Test(transport, connections_are_reused, .timeout = 10)
{
    cf_test_server_opts so = {.body = "{}"};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "POST", cf_test_server_url(srv, "/k", url, sizeof(url)), "{}");
    cf_response r[5];
    cf_exchange ex[5];
    for (int i = 0; i < 5; i++) {
        cf_response_init(&r[i], 0);
        ex[i] = (cf_exchange){&req, &r[i], 0, 1};
    }
    cf_transport *t = transport_make(1, 0, 0);
    cr_assert_eq(cf_transport_perform(t, ex, 5, NULL), CF_OK);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(r[i].transport_rc, CF_OK);
    /* and across calls: the connection cache lives as long as the transport */
    cf_response again;
    cr_assert_eq(perform_one(t, &req, &again, 0), CF_OK);
    cr_assert_eq(again.transport_rc, CF_OK);
    cr_assert_eq(cf_test_server_requests(srv), 6);
    cr_assert_eq(cf_test_server_connections(srv), 1);
    for (int i = 0; i < 5; i++)
        cf_response_cleanup(&r[i]);
    cf_response_cleanup(&again);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

Test(transport, fresh_connection_opens_a_new_one_each_time, .timeout = 10)
{
    cf_test_server_opts so = {.body = "{}", .delay_ms = 20, .thread_per_connection = 1};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "POST", cf_test_server_url(srv, "/f", url, sizeof(url)), "{}");
    cf_response warm;
    cf_transport *t = transport_make(4, 0, 0);
    cr_assert_eq(perform_one(t, &req, &warm, 0), CF_OK); /* leaves an idle connection */
    cf_response r[4];
    cf_exchange ex[4];
    for (int i = 0; i < 4; i++) {
        cf_response_init(&r[i], 0);
        ex[i] = (cf_exchange){&req, &r[i], 1, 0};
    }
    cr_assert_eq(cf_transport_perform(t, ex, 4, NULL), CF_OK);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(r[i].transport_rc, CF_OK);
        cf_response_cleanup(&r[i]);
    }
    cr_assert_eq(cf_test_server_requests(srv), 5);
    cr_assert_eq(cf_test_server_connections(srv), 5);
    cf_response_cleanup(&warm);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

Test(transport, retry_safe_requests_are_retried, .timeout = 10)
{
    cf_raw_server_opts ro = {.response = OK_RESPONSE, .fail_first = 1};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "POST", cf_raw_server_url(srv, "/retry", url, sizeof(url)), "{}");
    cf_transport_opts o;
    cf_transport_opts_init(&o);
    o.retries = 2;
    cf_transport *t = NULL;
    cr_assert_eq(cf_transport_new(&o, &t), CF_OK);
    cf_response resp;
    cf_response_init(&resp, 0);
    cf_exchange ex = {&req, &resp, 0, 1};
    cr_assert_eq(cf_transport_perform(t, &ex, 1, NULL), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    cr_assert_eq(resp.status, 200);
    cr_assert_str_eq(cf_buf_str(&resp.body), "{\"ok\":true}");
    cr_assert_eq(cf_raw_server_accepted(srv), 2);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}

Test(transport, other_requests_are_not_retried, .timeout = 10)
{
    cf_raw_server_opts ro = {.response = OK_RESPONSE, .fail_first = 1};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "POST", cf_raw_server_url(srv, "/once", url, sizeof(url)), "{}");
    cf_transport_opts o;
    cf_transport_opts_init(&o);
    o.retries = 2;
    cf_transport *t = NULL;
    cr_assert_eq(cf_transport_new(&o, &t), CF_OK);
    cf_response resp;
    cf_response_init(&resp, 0);
    cf_exchange ex = {&req, &resp, 0, 0};
    cr_assert_eq(cf_transport_perform(t, &ex, 1, NULL), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_E_TRANSPORT, "%s", resp.transport_error);
    cr_assert_eq(cf_raw_server_accepted(srv), 1);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}

static void *raise_stop(void *arg)
{
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    *(volatile int *)arg = 1;
    return NULL;
}

Test(transport, stop_flag_interrupts, .timeout = 10)
{
    cf_raw_server_opts ro = {.hang = 1};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_raw_server_url(srv, "/hang", url, sizeof(url)), NULL);
    cf_response r[3];
    cf_exchange ex[3];
    for (int i = 0; i < 3; i++) {
        cf_response_init(&r[i], 0);
        ex[i] = (cf_exchange){&req, &r[i], 0, 1};
    }
    cf_transport *t = transport_make(2, 8000, 0);
    volatile int stop = 0;
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, raise_stop, (void *)&stop), 0);
    double t0 = now_ms();
    cr_assert_eq(cf_transport_perform(t, ex, 3, &stop), CF_E_INTERRUPTED);
    double took = now_ms() - t0;
    pthread_join(th, NULL);
    cr_assert_lt(took, 1500.0, "took %.0f ms", took);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(r[i].transport_rc, CF_E_INTERRUPTED, "%d", i);
        cf_response_cleanup(&r[i]);
    }
    /* the transport stays usable after an interruption */
    cf_response_init(&r[0], 0);
    stop = 1;
    cr_assert_eq(cf_transport_perform(t, ex, 1, &stop), CF_E_INTERRUPTED);
    cr_assert_eq(r[0].transport_rc, CF_E_INTERRUPTED);
    cf_response_cleanup(&r[0]);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}

Test(transport, environment_proxies_are_ignored, .timeout = 10)
{
    cf_test_server *srv = cf_test_server_start(NULL);
    cr_assert_not_null(srv);
    char url[128], proxy[64];
    snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%u", (unsigned)cf_test_closed_port());
    setenv("http_proxy", proxy, 1);
    setenv("HTTP_PROXY", proxy, 1);
    setenv("ALL_PROXY", proxy, 1);
    cf_request req;
    request_make(&req, "GET", cf_test_server_url(srv, "/p", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(1, 0, 0);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_test_server_stop(srv);
}

Test(transport, an_explicit_proxy_is_used, .timeout = 10)
{
    cf_raw_server_opts ro = {.response = OK_RESPONSE};
    cf_raw_server *proxy = cf_raw_server_start(&ro);
    cr_assert_not_null(proxy);
    char proxy_url[128];
    setenv("NO_PROXY", "*", 1);
    cf_transport_opts o;
    cf_transport_opts_init(&o);
    o.proxy = cf_raw_server_url(proxy, "", proxy_url, sizeof(proxy_url));
    cf_transport *t = NULL;
    cr_assert_eq(cf_transport_new(&o, &t), CF_OK);
    cf_request req;
    request_make(&req, "GET", "http://unreachable.invalid/x", NULL);
    cf_response resp;
    cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
    cr_assert_eq(resp.transport_rc, CF_OK, "%s", resp.transport_error);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(cf_raw_server_accepted(proxy), 1);
    cf_response_cleanup(&resp);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(proxy);
}

/* One handle, one request after another: each goes to its own URL (the slot keeps a parsed
 * URL while the URL stays the same), and a URL curl refuses fails alone, as curl says. */
Test(transport, each_request_of_a_handle_goes_to_its_own_url, .timeout = 10)
{
    cf_test_server *srv = cf_test_server_start(NULL);
    cr_assert_not_null(srv);
    static const char *const paths[] = {"/a", "/a", "/b/c", "BAD", "/a/./d/../e", "/a"};
    static const char *const want[] = {"GET /a\n", "GET /a\n",   "GET /b/c\n",
                                       NULL,       "GET /a/e\n", "GET /a\n"};
    cf_transport *t = transport_make(1, 0, 0);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char url[128];
        if (want[i])
            cf_test_server_url(srv, paths[i], url, sizeof(url));
        else
            snprintf(url, sizeof(url), "http://[::1/%u", (unsigned)cf_test_server_port(srv));
        cf_request req;
        request_make(&req, "GET", url, NULL);
        cf_response resp;
        cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
        if (want[i]) {
            cr_assert_eq(resp.transport_rc, CF_OK, "%zu: %s", i, resp.transport_error);
            const char *echo = cf_buf_str(&resp.body);
            cr_assert(strncmp(echo, want[i], strlen(want[i])) == 0, "%zu: %s", i, echo);
        } else {
            cr_assert_neq(resp.transport_rc, CF_OK, "%zu: a malformed URL was sent", i);
            cr_assert(strstr(resp.transport_error, "URL") != NULL, "%zu: %s", i,
                      resp.transport_error);
        }
        cf_response_cleanup(&resp);
        request_free(&req);
    }
    cf_transport_free(t);
    cf_test_server_stop(srv);
}

/* A keep-alive answer, then the server closes the connection anyway: the idle socket turns
 * readable (FIN) while curl does not watch it, and the next request needs a new connection. */
Test(transport, a_server_closing_idle_connections_is_survived, .timeout = 10)
{
    cf_raw_server_opts ro = {.response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                         "Content-Length: 2\r\n\r\n{}"};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[128];
    cf_request req;
    request_make(&req, "GET", cf_raw_server_url(srv, "/idle", url, sizeof(url)), NULL);
    cf_transport *t = transport_make(2, 0, 0);
    for (int i = 0; i < 4; i++) {
        cf_response resp;
        cr_assert_eq(perform_one(t, &req, &resp, 0), CF_OK);
        cr_assert_eq(resp.transport_rc, CF_OK, "request %d: %s", i, resp.transport_error);
        cr_assert_eq(resp.status, 200);
        cf_response_cleanup(&resp);
        nanosleep(&(struct timespec){0, 20 * 1000000L}, NULL); /* the FIN arrives meanwhile */
    }
    cr_assert_eq(cf_raw_server_accepted(srv), 4);
    cf_transport_free(t);
    request_free(&req);
    cf_raw_server_stop(srv);
}
