/* fault_proxy.c - a libmicrohttpd proxy in front of a conforming mock that breaks one named
 * rule of the contract on the way through; the faults themselves are in fault_proxy_faults.c. */
#include "fault_proxy_internal.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/target.h"
#include "contract/vars.h"
#include "http_client.h"

/* ---- forwarding through the test HTTP client ---------------------------------------------- */

/* Headers that belong to one hop, not to the message. */
static int hop_header(const char *name)
{
    static const char *const hop[] = {"Host",       "Content-Length",    "Connection",
                                      "Keep-Alive", "Transfer-Encoding", "Expect",
                                      "Date"};
    for (size_t i = 0; i < sizeof(hop) / sizeof(hop[0]); i++)
        if (strcasecmp(name, hop[i]) == 0)
            return 1;
    return 0;
}

/* A header line in curl's spelling: "Name: value", "Name;" (sent empty), "Name:" (value NULL:
 * not sent at all). NULL when out of memory. */
static char *header_line(const char *name, const char *value)
{
    cf_buf b;
    cf_buf_init(&b, BODY_MAX);
    cf_rc rc = value && value[0] ? cf_buf_addf(&b, "%s: %s", name, value)
                                 : cf_buf_addf(&b, "%s%s", name, value ? ";" : ":");
    return rc == CF_OK ? cf_buf_take(&b) : NULL;
}

/* The request's headers as lines for the client; NULL when out of memory. */
static char **request_lines(const exchange *x, size_t *count)
{
    const cf_headers *h = &x->req_headers;
    char **lines = calloc(h->count + 2, sizeof(*lines));
    size_t n = 0;
    int ok = lines != NULL;
    for (size_t i = 0; ok && i < h->count; i++)
        if (!hop_header(h->items[i].name))
            ok = (lines[n++] = header_line(h->items[i].name, h->items[i].value)) != NULL;
    /* Nothing curl would add on its own may reach the mock (the client keeps Expect out). */
    if (ok && !cf_headers_get(h, "Accept"))
        ok = (lines[n++] = header_line("Accept", NULL)) != NULL;
    if (ok && !cf_headers_get(h, "Content-Type"))
        ok = (lines[n++] = header_line("Content-Type", NULL)) != NULL;
    *count = n;
    if (!ok) {
        for (size_t i = 0; lines && i < n; i++)
            free(lines[i]);
        free(lines);
        return NULL;
    }
    return lines;
}

static void forward(exchange *x)
{
    char url[4096];
    snprintf(url, sizeof(url), "%s%s", cf_mock_url(x->p->mock), x->url);
    size_t n = 0;
    char **lines = request_lines(x, &n);
    cf_test_reply r;
    memset(&r, 0, sizeof(r));
    int failed = 1;
    if (lines) {
        cf_test_request q = {.method = x->method,
                             .url = url,
                             .headers = (const char *const *)lines,
                             .header_count = n,
                             .body = x->req_has_body ? cf_buf_str(&x->req_body) : NULL,
                             .body_len = x->req_body.len,
                             .timeout_ms = 30000L,
                             .body_max = BODY_MAX};
        failed = cf_test_http_send(&q, &r) != 0;
    } else {
        snprintf(r.error, sizeof(r.error), "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    cf_headers_cleanup(&x->resp_headers);
    cf_buf_free(&x->resp_body);
    cf_buf_init(&x->resp_body, BODY_MAX);
    if (!failed) {
        x->status = r.status;
        x->resp_headers = r.headers;
        x->resp_body = r.body;
        memset(&r.headers, 0, sizeof(r.headers));
        memset(&r.body, 0, sizeof(r.body));
    } else {
        /* The mock did not answer: say so plainly; the runner's checks will fail. */
        x->status = 502;
        if (cf_headers_add(&x->resp_headers, "Content-Type", "text/plain") != CF_OK ||
            cf_buf_addf(&x->resp_body, "fault proxy: the mock did not answer: %s", r.error) !=
                CF_OK)
            x->status = 500;
    }
    cf_test_reply_free(&r);
}

/* ---- the libmicrohttpd side --------------------------------------------------------------- */

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    exchange *x = cls;
    if (strcasecmp(key, "Content-Length") == 0 || strcasecmp(key, "Transfer-Encoding") == 0)
        x->req_has_body = 1;
    return cf_headers_add(&x->req_headers, key, value ? value : "") == CF_OK ? MHD_YES : MHD_NO;
}

static void exchange_cleanup(exchange *x)
{
    cf_headers_cleanup(&x->req_headers);
    cf_buf_free(&x->req_body);
    cf_headers_cleanup(&x->resp_headers);
    cf_buf_free(&x->resp_body);
    free(x->in_flight);
}

static enum MHD_Result answer(struct MHD_Connection *c, exchange *x)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        x->resp_body.len, (void *)cf_buf_str(&x->resp_body), MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    for (size_t i = 0; i < x->resp_headers.count; i++)
        if (!hop_header(x->resp_headers.items[i].name))
            MHD_add_response_header(r, x->resp_headers.items[i].name,
                                    x->resp_headers.items[i].value);
    enum MHD_Result res = MHD_queue_response(c, (unsigned)x->status, r);
    MHD_destroy_response(r);
    return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, cf_buf *body)
{
    proxy *p = cls;
    exchange x;
    memset(&x, 0, sizeof(x));
    x.p = p;
    x.method = method;
    x.url = url;
    x.req_body = *body;
    memset(body, 0, sizeof(*body));
    cf_buf_init(&x.resp_body, BODY_MAX);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &x);
    const fault *f = p->fault;
    int changed = 0;
    if (f && f->before)
        changed |= f->before(&x);
    if (!x.answered) {
        forward(&x);
        if (f && f->after)
            changed |= f->after(&x);
    }
    if (changed)
        atomic_fetch_add(&p->applied, 1);
    enum MHD_Result res = answer(c, &x);
    atomic_fetch_add(&p->requests, 1);
    exchange_cleanup(&x);
    return res;
}

cf_fault_proxy *cf_fault_proxy_start(const cf_fault_proxy_opts *opts, char *err, size_t errlen)
{
    proxy *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    const char *name = opts->fault;
    if (name && *name && strcmp(name, "none") != 0 && !(p->fault = cf_fault_find(name))) {
        snprintf(err, errlen, "unknown fault \"%s\"", name);
        goto fail;
    }
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_suite_load_file(opts->spec_file, &p->suite, &d);
    if (rc != CF_OK)
        snprintf(err, errlen, "%s: %s%s%s", opts->spec_file, cf_strerror(rc), d.count ? ": " : "",
                 d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    if (rc != CF_OK)
        goto fail;
    p->api = p->suite->api;
    p->spec = p->suite->v1;
    p->aws = p->api->envelope.classify == CF_API_CLASSIFY_STATUS;
    const cf_api_credential *cred = p->api->credential_count ? &p->api->credentials[0] : NULL;
    p->auth_header = cred && cred->in == CF_API_IN_HEADER ? cred->name : NULL;
    if (p->fault && !cf_fault_applies(p->fault->name, p->aws)) {
        snprintf(err, errlen, "fault %s does not apply to the %s profile", p->fault->name,
                 p->aws ? "AWS" : "envelope");
        goto fail;
    }
    const char **env = NULL;
    size_t env_count = 0;
    cf_cli_env_vars(&env, &env_count);
    cf_vars_sources sources = {opts->vars, opts->var_count, env, env_count};
    cf_rc vrc = cf_vars_resolve_api(p->api, &sources, &p->vars, err, errlen);
    free(env);
    if (vrc != CF_OK)
        goto fail;
    p->bearer = cred && cred->caller_count ? cf_secrets_get(&p->vars, cred->callers[0]) : NULL;
    p->bearer_alt =
        cred && cred->caller_count > 1 ? cf_secrets_get(&p->vars, cred->callers[1]) : NULL;
    cf_mock_opts mo;
    cf_mock_opts_init(&mo);
    mo.spec = p->suite->v1;
    mo.secrets = &p->vars;
    mo.bind = "127.0.0.1";
    if (cf_mock_start(&mo, &p->mock, err, errlen) != CF_OK)
        goto fail;
    p->mhd = (cf_mhd_opts){.flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL,
                           .handler = on_request,
                           .cls = p,
                           .body_max = BODY_MAX,
                           .connection_timeout_s = 60,
                           .connection_limit = 1000};
    unsigned short port = 0;
    if (!(p->daemon = cf_mhd_start(&p->mhd, &port))) {
        snprintf(err, errlen, "cannot start the proxy's libmicrohttpd daemon");
        goto fail;
    }
    snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%u", (unsigned)port);
    return p;
fail:
    cf_fault_proxy_stop(p);
    return NULL;
}

void cf_fault_proxy_stop(cf_fault_proxy *p)
{
    if (!p)
        return;
    if (p->daemon)
        MHD_stop_daemon(p->daemon);
    cf_mock_stop(p->mock);
    for (size_t i = 0; i < p->flight_count; i++)
        free(p->flights[i].key);
    free(p->flights);
    pthread_mutex_destroy(&p->lock);
    cf_secrets_cleanup(&p->vars);
    cf_suite_free(p->suite);
    free(p);
}

const char *cf_fault_proxy_url(const cf_fault_proxy *p)
{
    return p->url;
}

unsigned cf_fault_proxy_requests(cf_fault_proxy *p)
{
    return atomic_load(&p->requests);
}

unsigned cf_fault_proxy_applied(cf_fault_proxy *p)
{
    return atomic_load(&p->applied);
}

cf_fault_proxy *cf_test_fault_proxy(const char *spec, const char *fault)
{
    char err[512] = "";
    cf_fault_proxy_opts po = {spec, fault, NULL, 0};
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
    return fp;
}
