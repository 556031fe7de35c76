/* transport.h - sends requests over libcurl's multi interface, many in flight at once. */
#ifndef CF_TRANSPORT_H
#define CF_TRANSPORT_H

#include <signal.h>
#include <stddef.h>

#include "http/request.h"
#include "http/response.h"

typedef struct {
    unsigned jobs;   /* requests in flight at once (>= 1) */
    long timeout_ms; /* per request, whole transfer */
    long connect_timeout_ms;
    const char *proxy;  /* NULL: none (curl's env proxies are ignored too) */
    const char *cacert; /* NULL: system store */
    int insecure;       /* 1: skip TLS verification */
    size_t max_body;    /* response body bound */
    unsigned retries;   /* extra attempts after a transport failure, for retry-safe requests */
} cf_transport_opts;

/* Defaults: jobs 8, timeout 10000 ms, connect 5000 ms, verification on, CF_MAX_RESPONSE_BODY,
 * retries 0. Cannot fail. */
void cf_transport_opts_init(cf_transport_opts *o);

typedef struct cf_transport cf_transport;

/* Memory: cf_transport_free() accepts NULL. */
CF_WUR cf_rc cf_transport_new(const cf_transport_opts *opts, cf_transport **out);
void cf_transport_free(cf_transport *t);

/* One exchange to perform. `fresh_connection`: 1 forces a new connection (concurrent
 * duplicates must arrive on separate connections). `retry_safe`: a transport failure may be
 * retried. The response is filled in place (init it first). */
typedef struct {
    const cf_request *request;
    cf_response *response;
    int fresh_connection;
    int retry_safe;
} cf_exchange;

/* Performs all `n` exchanges, at most opts.jobs at once, and returns when every one has a
 * response or a transport error (in response->transport_rc / transport_error: a refused
 * connection, DNS or TLS failure, timeout or a reset mid-body never fails the call).
 * Returns CF_E_INTERRUPTED when *stop became non-zero (SIGINT), leaving the unfinished ones
 * with transport_rc CF_E_INTERRUPTED; CF_E_NOMEM when curl could not be set up. */
CF_WUR cf_rc cf_transport_perform(cf_transport *t, cf_exchange *ex, size_t n,
                                  volatile sig_atomic_t *stop);

#endif
