/* run_gen.c - `conform run --generate`: appends each suite's generated cases, dropping those
 * whose request is the same as a hand-written case's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bindings.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "contract/template.h"
#include "http/request.h"

/* Requests are compared as built, with every {$token} the same and the variables at their
 * defaults; a {$uuid} never matches, so such a case is never taken for a duplicate. */
#define SAME_TOKEN "conform-dedupe-token"
#define SOME_URL "http://conform.invalid"

typedef struct {
    const cf_api *api; /* what the request builder reads */
    cf_bindings vars;
    char **written; /* the hand-written single requests, as signatures */
    size_t count;
} dedupe;

static cf_rc same_token(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    return strcmp(name, "token") == 0 ? cf_buf_adds(out, SAME_TOKEN) : CF_E_NOT_FOUND;
}

/* Method, URL, headers and body of the step's request as built; NULL when it cannot be
 * built. A v1 spec's own cases name no operation: they call its only one. */
static char *signature(dedupe *d, const cf_step *step)
{
    cf_tmpl_ctx ctx = {&d->vars, NULL, same_token, NULL};
    cf_request req;
    char err[256];
    cf_step on = *step;
    if (!on.op && d->api->operation_count == 1)
        on.op = &d->api->operations[0];
    if (!on.op || cf_request_build(d->api, &on, SOME_URL, &ctx, &req, err, sizeof err) != CF_OK)
        return NULL;
    cf_buf b;
    cf_buf_init(&b, CF_MAX_REQUEST_BODY * 4u);
    cf_rc rc = cf_buf_addf(&b, "%s %s\n", req.method, req.url);
    for (size_t i = 0; rc == CF_OK && i < req.headers.count; i++)
        rc = cf_buf_addf(&b, "%s: %s\n", req.headers.items[i].name, req.headers.items[i].value);
    if (rc == CF_OK)
        rc = cf_buf_addf(&b, "%s\n", req.body ? "body" : "no body");
    if (rc == CF_OK && req.body)
        rc = cf_buf_add(&b, req.body, req.body_len);
    cf_request_cleanup(&req);
    char *s = rc == CF_OK ? cf_buf_take(&b) : NULL;
    cf_buf_free(&b);
    return s;
}

static int keep(void *user, const cf_api *api, const cf_case *c)
{
    (void)api;
    dedupe *d = user;
    if (c->step_count != 1)
        return 1; /* scenarios are never hand-written as one request */
    char *sig = signature(d, &c->steps[0]);
    int dup = 0;
    for (size_t i = 0; sig && i < d->count && !dup; i++)
        dup = strcmp(sig, d->written[i]) == 0;
    free(sig);
    return !dup;
}

static void dedupe_cleanup(dedupe *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->written[i]);
    free(d->written);
    cf_bindings_cleanup(&d->vars);
}

static cf_rc dedupe_init(dedupe *d, const cf_api *api, const cf_case *cases, size_t n)
{
    memset(d, 0, sizeof(*d));
    d->api = api;
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && i < api->var_count; i++)
        rc = cf_bindings_set(&d->vars, api->vars[i].name,
                             api->vars[i].default_value ? api->vars[i].default_value : "", 0);
    d->written = calloc(n ? n : 1, sizeof(*d->written));
    if (rc == CF_OK && !d->written)
        rc = CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < n; i++) {
        const cf_case *c = &cases[i];
        if (c->step_count != 1 || c->steps[0].parallel > 1)
            continue;
        char *sig = signature(d, &c->steps[0]);
        if (sig)
            d->written[d->count++] = sig;
    }
    return rc;
}

/* Generates the cases of `api` (hand-written: `cases`) into `g`, summed into the totals. */
static cf_rc generate_one(const cf_api *api, const cf_case *cases, size_t n,
                          const cf_gen_cases_opts *opts, cf_gen_cases *g, cf_gen_cases_stats *sum)
{
    dedupe d;
    cf_gen_cases_opts o = *opts;
    cf_gen_cases_stats st = {0};
    o.keep = keep;
    o.keep_user = &d;
    cf_rc rc = dedupe_init(&d, api, cases, n);
    if (rc == CF_OK)
        rc = cf_gen_cases_build(api, &o, g, &st);
    dedupe_cleanup(&d);
    sum->added += st.added;
    sum->duplicates += st.duplicates;
    sum->capped += st.capped;
    sum->sequences += st.sequences;
    sum->operations += st.operations;
    return rc;
}

static void print_summary(FILE *out, const cf_gen_cases_opts *opts, const cf_gen_cases_stats *s,
                          double ms)
{
    fprintf(out,
            "generated %zu cases (--generate %s, seed %llu) in %.0f ms; %zu duplicates of "
            "hand-written cases dropped%s",
            s->added, opts->mode == CF_GEN_CASES_ALL ? "all" : "positive",
            (unsigned long long)opts->seed, ms, s->duplicates, s->capped ? "" : "\n");
    if (s->capped)
        fprintf(out, ", %zu over --max-generated\n", s->capped);
}

/* Generates `api`'s cases and appends them to a holder (a suite's cases and the JSON they
 * borrow). */
cf_rc cf_cli_generate_suites(cf_suite *const *suites, size_t n, const cf_gen_cases_opts *opts,
                             FILE *out)
{
    if (opts->mode == CF_GEN_CASES_NONE)
        return CF_OK;
    cf_rc rc = CF_OK;
    cf_gen_cases_stats sum = {0};
    double t0 = cf_time_mono_ms();
    for (size_t i = 0; i < n && rc == CF_OK; i++) {
        cf_suite *s = suites[i];
        cf_gen_cases g = {0};
        rc = generate_one(s->api, s->cases, s->case_count, opts, &g, &sum);
        if (rc == CF_OK)
            rc = cf_gen_cases_move(&g, &s->cases, &s->case_count, &s->generated);
        cf_gen_cases_cleanup(&g);
    }
    if (rc == CF_OK)
        print_summary(out, opts, &sum, cf_time_mono_ms() - t0);
    return rc;
}
