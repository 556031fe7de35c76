/* run_gen.c - `conform run --generate`: appends each spec's generated cases, dropping those
 * whose request is the same as a hand-written case's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bindings.h"
#include "base/limits.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "contract/template.h"
#include "contract/v1_api.h"
#include "http/request.h"

/* Requests are compared as built, with every {$token} the same and the variables at their
 * defaults; a {$uuid} never matches, so such a case is never taken for a duplicate. */
#define SAME_TOKEN "conform-dedupe-token"
#define SOME_URL "http://conform.invalid"

typedef struct {
    cf_api *api; /* the spec's contract, what the request builder reads */
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

/* Headers and body of the step's request as one string; NULL when it cannot be built. */
static char *signature(dedupe *d, const cf_spec *spec, const cf_step *step)
{
    cf_tmpl_ctx ctx = {&d->vars, NULL, same_token, NULL};
    cf_request req;
    char err[256];
    (void)spec;
    cf_step on = *step;
    on.op = &d->api->operations[0];
    if (cf_request_build(d->api, &on, SOME_URL, &ctx, &req, err, sizeof err) != CF_OK)
        return NULL;
    cf_buf b;
    cf_buf_init(&b, CF_MAX_REQUEST_BODY * 4u);
    cf_rc rc = CF_OK;
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

static int keep(void *user, const cf_spec *spec, const cf_case *c)
{
    dedupe *d = user;
    char *sig = signature(d, spec, &c->steps[0]);
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
    cf_api_free(d->api);
}

static cf_rc dedupe_init(dedupe *d, const cf_spec *spec)
{
    memset(d, 0, sizeof(*d));
    cf_rc rc = cf_api_from_spec(spec, &d->api);
    for (size_t i = 0; rc == CF_OK && i < spec->var_count; i++)
        rc = cf_bindings_set(&d->vars, spec->vars[i].name,
                             spec->vars[i].default_value ? spec->vars[i].default_value : "", 0);
    d->written = calloc(spec->case_count ? spec->case_count : 1, sizeof(*d->written));
    if (rc == CF_OK && !d->written)
        rc = CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < spec->case_count; i++) {
        const cf_case *c = &spec->cases[i];
        if (c->step_count != 1 || c->steps[0].parallel > 1)
            continue;
        char *sig = signature(d, spec, &c->steps[0]);
        if (sig)
            d->written[d->count++] = sig;
    }
    return rc;
}

cf_rc cf_cli_generate(cf_spec *const *specs, size_t n, const cf_gen_cases_opts *opts, FILE *out)
{
    if (opts->mode == CF_GEN_CASES_NONE)
        return CF_OK;
    cf_rc rc = CF_OK;
    size_t total = 0, dups = 0, capped = 0;
    double t0 = cf_time_mono_ms();
    for (size_t i = 0; i < n && rc == CF_OK; i++) {
        dedupe d;
        cf_gen_cases_opts o = *opts;
        cf_gen_cases_stats st = {0};
        o.keep = keep;
        o.keep_user = &d;
        rc = dedupe_init(&d, specs[i]);
        if (rc == CF_OK)
            rc = cf_gen_cases_add(specs[i], &o, &st);
        dedupe_cleanup(&d);
        total += st.added;
        dups += st.duplicates;
        capped += st.capped;
    }
    if (rc == CF_OK)
        fprintf(out,
                "generated %zu cases (--generate %s, seed %llu) in %.0f ms; %zu duplicates of "
                "hand-written cases dropped%s",
                total, opts->mode == CF_GEN_CASES_ALL ? "all" : "positive",
                (unsigned long long)opts->seed, cf_time_mono_ms() - t0, dups, capped ? "" : "\n");
    if (rc == CF_OK && capped)
        fprintf(out, ", %zu over --max-generated\n", capped);
    return rc;
}
