/* step.c - one case's steps: builds a step's requests, judges its responses, records the
 * exchanges and moves the scenario on. The scheduler decides when; this file decides what. */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/shell.h"
#include "base/str.h"
#include "base/uuid.h"
#include "check/checks.h"
#include "check/coverage.h"
#include "check/record.h"

#define ERROR_CODE_MAX 256u /* bytes of a response's error code kept for grouping */

static cf_rc runner_generator(void *user, const char *name, const char *arg, cf_buf *out)
{
    run_case *cs = user;
    if (strcmp(name, "token") != 0)
        return CF_E_NOT_FOUND;
    const char *label = arg[0] ? arg : "default";
    const char *have = cf_bindings_get(&cs->tokens, label);
    if (!have) {
        char token[64] = "conform-"; /* + a UUID: 44 bytes with the NUL */
        cf_uuid_v4(token + 8);
        cf_rc rc = cf_bindings_set(&cs->tokens, label, token, 0);
        if (rc != CF_OK)
            return rc;
        have = cf_bindings_get(&cs->tokens, label);
    }
    return cf_buf_adds(out, have);
}

cf_rc run_rerun_prepare(run_ctx *rc)
{
    const char *flags = rc->opts->rerun_flags;
    const char *spec = rc->suite->file ? rc->suite->file : "";
    cf_buf head, tail;
    cf_buf_init(&head, CF_RERUN_MAX);
    cf_buf_init(&tail, CF_RERUN_MAX);
    cf_rc r = cf_buf_adds(&head, "conform run");
    if (r == CF_OK && flags && *flags)
        r = cf_buf_addf(&head, " %s", flags);
    if (r == CF_OK)
        r = cf_buf_adds(&head, " --filter ");
    if (r == CF_OK)
        r = cf_buf_addc(&tail, ' ');
    if (r == CF_OK)
        r = cf_shell_quote(&tail, spec, strlen(spec));
    rc->rerun_head = r == CF_OK ? cf_buf_take(&head) : NULL;
    rc->rerun_tail = r == CF_OK ? cf_buf_take(&tail) : NULL;
    cf_buf_free(&head);
    cf_buf_free(&tail);
    /* As a case whose rerun line cannot be made: out of memory (see rerun_line()). */
    return rc->rerun_head && rc->rerun_tail ? CF_OK : CF_E_NOMEM;
}

/* "conform run FLAGS --filter 'ID' 'SPEC'": reruns just this case against the same target
 * with the same outcome-changing flags. NULL when out of memory. */
static char *rerun_line(const run_ctx *rc, const char *id)
{
    cf_buf b;
    cf_buf_init(&b, CF_RERUN_MAX);
    cf_rc r = cf_buf_adds(&b, rc->rerun_head);
    if (r == CF_OK)
        r = cf_shell_quote(&b, id, strlen(id));
    if (r == CF_OK)
        r = cf_buf_adds(&b, rc->rerun_tail);
    return r == CF_OK ? cf_buf_take(&b) : NULL;
}

/* The names of the case's result; `round` > 0 marks a repetition: the id becomes "id#round". */
static cf_rc name_result(run_ctx *rc, run_case *cs)
{
    const cf_case *c = cs->c;
    cf_case_result *res = &cs->res;
    /* A case is about its last step's operation: earlier steps set up what it needs (a
     * connection, an upload), so reports group a scenario under what it tests. */
    const cf_step *last = c->step_count ? &c->steps[c->step_count - 1] : NULL;
    const char *op = last && last->op ? last->op->id : NULL;
    res->spec_file = cf_strdup(rc->suite->file ? rc->suite->file : "");
    res->spec_title = cf_strdup(rc->api->title ? rc->api->title : "");
    if (cs->round) {
        size_t idn = strlen(c->id) + 16;
        res->id = malloc(idn);
        if (res->id)
            snprintf(res->id, idn, "%s#%u", c->id, cs->round);
    } else {
        res->id = cf_strdup(c->id);
    }
    res->summary = c->summary ? cf_strdup(c->summary) : NULL;
    res->operation = op ? cf_strdup(op) : NULL;
    res->replay = rerun_line(rc, c->id);
    if (c->tag_count) {
        res->tags = calloc(c->tag_count, sizeof(*res->tags));
        if (!res->tags)
            return CF_E_NOMEM;
        for (size_t t = 0; t < c->tag_count; t++)
            if ((res->tags[res->tag_count++] = cf_strdup(c->tags[t])) == NULL)
                return CF_E_NOMEM;
    }
    if (!res->spec_file || !res->spec_title || !res->id || !res->replay ||
        (c->summary && !res->summary) || (op && !res->operation))
        return CF_E_NOMEM;
    return CF_OK;
}

run_case *run_case_new(run_ctx *rc, const cf_case *c, unsigned round, size_t ordinal)
{
    run_case *cs = calloc(1, sizeof(*cs));
    if (!cs)
        return NULL;
    cs->c = c;
    cs->round = round;
    cs->ordinal = ordinal;
    if (name_result(rc, cs) != CF_OK) {
        run_case_free(cs);
        return NULL;
    }
    return cs;
}

void run_step_drop(run_case *cs)
{
    for (unsigned k = 0; k < cs->copy_count; k++) {
        cf_request_cleanup(&cs->copies[k].request);
        cf_response_cleanup(&cs->copies[k].response);
    }
    free(cs->copies);
    cs->copies = NULL;
    cs->copy_count = cs->pending = 0;
}

void run_case_free(run_case *cs)
{
    if (!cs)
        return;
    run_step_drop(cs);
    cf_bindings_cleanup(&cs->captures);
    cf_bindings_cleanup(&cs->tokens);
    cf_case_result_cleanup(&cs->res);
    free(cs);
}

static const cf_step *current(const run_case *cs)
{
    return &cs->c->steps[cs->step];
}

static void step_label(const run_case *cs, unsigned copy, char *out, size_t n)
{
    const cf_step *st = current(cs);
    if (st->parallel > 1) {
        snprintf(out, n, "%s#%u", st->name ? st->name : "?", copy + 1);
        return;
    }
    /* The name as it is, cut to fit (what "%s" would print), without printf per exchange. */
    const char *name = st->name ? st->name : (cs->c->id ? cs->c->id : "?");
    size_t len = strnlen(name, n - 1);
    memcpy(out, name, len);
    out[len] = '\0';
}

/* A scenario stops at its first failed step: the later steps were never sent, so they are
 * listed as not run (and not judged), never as failures of their own. */
static cf_rc note_not_run(run_case *cs)
{
    const cf_case *c = cs->c;
    const cf_step *failed = current(cs);
    cf_buf b;
    cf_buf_init(&b, 4096);
    cf_rc r = cf_buf_adds(&b, cs->step + 2 < c->step_count ? "steps " : "step ");
    for (size_t i = cs->step + 1; i < c->step_count && r == CF_OK; i++) {
        const cf_step *st = &c->steps[i];
        r = cf_buf_addf(&b, "%s`%s` (%s)", i > cs->step + 1 ? ", " : "", st->name ? st->name : "?",
                        st->op && st->op->id ? st->op->id : "?");
    }
    if (r == CF_OK)
        r = cf_buf_addf(&b, " not run: step `%s` failed", failed->name ? failed->name : "?");
    if (r == CF_E_TOO_LARGE) { /* very many steps: the count says enough */
        cf_buf_init(&b, 4096);
        r = cf_buf_addf(&b, "%zu steps not run: step `%s` failed", c->step_count - cs->step - 1,
                        failed->name ? failed->name : "?");
    }
    if (r != CF_OK) {
        cf_buf_free(&b);
        return r;
    }
    free(cs->res.not_run);
    cs->res.not_run = cf_buf_take(&b);
    return cs->res.not_run ? CF_OK : CF_E_NOMEM;
}

cf_rc run_step_build(run_ctx *rc, run_case *cs)
{
    const cf_step *st = current(cs);
    unsigned n = st->parallel ? st->parallel : 1;
    cs->copies = calloc(n, sizeof(*cs->copies));
    if (!cs->copies)
        return CF_E_NOMEM;
    cs->copy_count = n;
    for (unsigned k = 0; k < n; k++)
        cf_response_init(&cs->copies[k].response, rc->opts->transport.max_body);
    cf_tmpl_ctx ctx = {cf_secrets_vars(rc->secrets), &cs->captures, runner_generator, cs};
    for (unsigned k = 0; k < n; k++) {
        run_copy *cp = &cs->copies[k];
        char err[CF_ERR_MAX] = "";
        cf_rc r = cf_request_build(rc->api, st, rc->base_url, &ctx, &cp->request, err, sizeof(err));
        if (r == CF_E_NOMEM)
            return r;
        if (r != CF_OK) {
            /* None of the copies leaves: the case ends with what the builder said. */
            char label[160];
            step_label(cs, k, label, sizeof(label));
            char *text = cf_secrets_redact_dup(rc->secrets, err, strlen(err), 4096);
            cf_rc a = cf_case_add_check(&cs->res, "request.build", 0, label,
                                        "a request the case can describe", text ? text : err);
            free(text);
            run_step_drop(cs);
            cs->done = 1;
            if (a == CF_OK && cs->step + 1 < cs->c->step_count)
                a = note_not_run(cs);
            return a;
        }
        cp->cs = cs;
        cp->copy = k;
        cp->ex.request = &cp->request;
        cp->ex.response = &cp->response;
        cp->ex.fresh_connection = n > 1;
        /* Sent again after a transport failure only with an idempotency token: the server then
         * answers a duplicate with the same resource, never a second one. */
        cp->ex.retry_safe = cp->request.idem_token != NULL;
    }
    cs->pending = n;
    return CF_OK;
}

/* Records captures of a step from its first successful copy. */
static cf_rc capture(run_case *cs, const run_copy *cp)
{
    const cf_step *st = current(cs);
    for (const cJSON *m = st->capture ? st->capture->child : NULL; m; m = m->next) {
        if (cf_bindings_get(&cs->captures, m->string))
            continue;
        char *value = NULL;
        if (strncmp(m->valuestring, "header:", 7) == 0) {
            const char *h = cf_headers_get(&cp->response.headers, m->valuestring + 7);
            value = h ? cf_strdup(h) : NULL;
        } else {
            value = cf_checks_value_text(cp->response.json, m->valuestring);
        }
        if (!value)
            continue; /* an expectation that uses it will fail and say so */
        cf_rc r = cf_bindings_set(&cs->captures, m->string, value, 0);
        free(value);
        if (r != CF_OK)
            return r;
    }
    return CF_OK;
}

/* Whether this copy's exchange must be written down: always when asked to, when the case is
 * kept whole, when a later step or the parallel check may still fail the case, and when this
 * copy's checks failed. A passing single exchange is judged and forgotten. */
static int worth_recording(const run_ctx *rc, const run_case *cs, const run_copy *cp,
                           size_t failed_before)
{
    const cf_step *st = current(cs);
    if (rc->opts->record_exchanges || rc->opts->keep == CF_RUN_KEEP_ALL || st->parallel > 1 ||
        cs->step + 1 < cs->c->step_count || cp->response.transport_rc != CF_OK)
        return 1;
    for (size_t i = failed_before; i < cs->res.check_count; i++)
        if (!cs->res.checks[i].passed)
            return 1;
    return 0;
}

/* curl + " " + flags (NULL: curl as it is); frees curl, NULL when out of memory. */
static char *with_flags(char *curl, const char *flags)
{
    if (!curl || !flags || !*flags)
        return curl;
    cf_buf b;
    cf_buf_init(&b, CF_RERUN_MAX + strlen(curl));
    char *out = cf_buf_addf(&b, "%s %s", curl, flags) == CF_OK ? cf_buf_take(&b) : NULL;
    free(curl);
    return out;
}

/* The contract items a response exercised, one per line (check/coverage.h); *out NULL when
 * none. Past CF_COVERAGE_MAX the response counts for nothing; the run goes on. */
static cf_rc observe(const cf_api *api, const cf_api_operation *op, const cf_response *resp,
                     char **out)
{
    cf_buf cov;
    cf_buf_init(&cov, CF_COVERAGE_MAX);
    cf_rc r = cf_coverage_observe(api, op, resp, &cov);
    *out = cf_buf_take(&cov);
    return r == CF_E_TOO_LARGE ? CF_OK : r;
}

/* Writes the exchange down with what reports group and count by: the error code the response
 * carried (redacted: it is the server's text) and `covered` (taken, even on failure). */
static cf_rc record(run_ctx *rc, run_case *cs, run_copy *cp, const cf_secrets *red,
                    const char *label, char *covered)
{
    const char *op = current(cs)->op->id;
    char *req = cf_record_request(rc->api, &cp->request, red);
    char *resp = cf_record_response(&cp->response, red);
    char *curl = with_flags(cf_record_curl(rc->api, &cp->request, red), rc->opts->curl_flags);
    char *lab = cf_strdup(label);
    char *op_name = op ? cf_strdup(op) : NULL;
    const char *code =
        cp->response.error_code_owned ? cp->response.error_code_owned : cp->response.error_code;
    char *error_code = code ? cf_secrets_redact_dup(red, code, strlen(code), ERROR_CODE_MAX) : NULL;
    if (!req || !resp || !curl || !lab || (code && !error_code) || (op && !op_name)) {
        free(op_name);
        free(req);
        free(resp);
        free(curl);
        free(lab);
        free(error_code);
        free(covered);
        return CF_E_NOMEM;
    }
    cf_case_result *res = &cs->res;
    cf_rc r = cf_case_add_exchange(res, lab, req, resp, curl, cp->response.status,
                                   cp->response.elapsed_ms);
    if (r == CF_OK) {
        cf_exchange_record *e = &res->exchanges[res->exchange_count - 1];
        e->unreachable = cp->response.unreachable;
        e->sent_ms = cp->response.sent_ms;
        e->error_code = error_code;
        e->covered = covered;
        e->operation = op_name;
    } else {
        free(error_code);
        free(covered);
        free(op_name);
    }
    return r;
}

/* The first unreachable exchange's reason, from the response's fields (never from text). */
static cf_rc note_unreachable(run_ctx *rc, const cf_response *resp, const cf_secrets *red)
{
    if (!resp->unreachable || rc->unreachable_why)
        return CF_OK;
    cf_buf why;
    cf_buf_init(&why, 1024);
    cf_rc r = cf_buf_adds(&why, "(no response: ");
    if (r == CF_OK)
        r = cf_secrets_redact(red, resp->transport_error, strlen(resp->transport_error), &why);
    if (r == CF_OK)
        r = cf_buf_addc(&why, ')');
    rc->unreachable_why = r == CF_OK ? cf_buf_take(&why) : NULL;
    cf_buf_free(&why);
    return rc->unreachable_why ? CF_OK : CF_E_NOMEM;
}

static cf_rc judge_copy(run_ctx *rc, run_case *cs, run_copy *cp)
{
    char label[160];
    step_label(cs, cp->copy, label, sizeof(label));
    const cf_step *st = current(cs);
    rc->result->requests++;
    cf_response_finish_op(&cp->response, rc->api, st->op);
    /* Everything recorded about this exchange masks the credential it carried, too. */
    cf_secrets own;
    const char *caller = NULL;
    const cf_api_credential *c = cf_request_credential(rc->api, st->op, &caller);
    const char *cred =
        c && c->in == CF_API_IN_HEADER ? cf_headers_get(&cp->request.headers, c->name) : NULL;
    cf_rc r = cf_secrets_with_credential(rc->secrets, cred, cred ? strlen(cred) : 0, &own);
    if (r != CF_OK)
        return r;
    r = note_unreachable(rc, &cp->response, &own);
    size_t before = cs->res.check_count;
    cf_tmpl_ctx ctx = {cf_secrets_vars(rc->secrets), &cs->captures, runner_generator, cs};
    /* rule.future compares with this exchange's own arrival, not with when it was judged. */
    int64_t received = (int64_t)(cp->response.sent_ms + cp->response.elapsed_ms);
    cf_check_input in = {rc->api, st->op, st,    &cp->request, &cp->response,
                         &own,    &ctx,   label, received};
    if (r == CF_OK)
        r = cf_checks_run(&in, &cs->res);
    /* Coverage is marked as responses come (a streaming run keeps no passing exchange); the
     * items also go on a recorded exchange for cf_coverage_compute(). */
    char *covered = NULL;
    if (r == CF_OK)
        r = observe(rc->api, st->op, &cp->response, &covered);
    if (r == CF_OK)
        cf_coverage_mark(rc->result, rc->suite->file, st->op->id, covered);
    if (r == CF_OK && worth_recording(rc, cs, cp, before)) {
        r = record(rc, cs, cp, &own, label, covered);
        covered = NULL;
    }
    free(covered);
    if (r == CF_OK && cp->response.envelope == CF_ENVELOPE_SUCCESS)
        r = capture(cs, cp);
    cf_secrets_cleanup(&own);
    return r;
}

cf_rc run_step_judge(run_ctx *rc, run_case *cs)
{
    const cf_step *st = current(cs);
    size_t checks_before = cs->res.check_count;
    cf_rc r = CF_OK;
    double slowest = 0;
    int transport_failed = 0;
    for (unsigned k = 0; k < cs->copy_count && r == CF_OK; k++) {
        run_copy *cp = &cs->copies[k];
        r = judge_copy(rc, cs, cp);
        if (cp->response.elapsed_ms > slowest)
            slowest = cp->response.elapsed_ms;
        transport_failed |= cp->response.transport_rc != CF_OK;
    }
    if (r == CF_OK && st->parallel > 1 && st->consistent) {
        /* The spec loader keeps parallel within CF_MAX_PARALLEL. */
        const cf_response *responses[CF_MAX_PARALLEL];
        size_t judged = cs->copy_count < CF_MAX_PARALLEL ? cs->copy_count : CF_MAX_PARALLEL;
        for (size_t k = 0; k < judged; k++)
            responses[k] = &cs->copies[k].response;
        r = cf_checks_consistent(st, responses, judged, rc->secrets, &cs->res);
    }
    /* A case's time is its own: the sum of its steps, each as long as its slowest copy. */
    cs->res.duration_ms += slowest;
    run_step_drop(cs);
    int failed = transport_failed;
    for (size_t i = checks_before; i < cs->res.check_count && !failed; i++)
        failed = !cs->res.checks[i].passed;
    if (r == CF_OK && failed && cs->step + 1 < cs->c->step_count)
        r = note_not_run(cs);
    cs->step++;
    if (cs->step >= cs->c->step_count || failed)
        cs->done = 1;
    return r;
}

void run_case_finish(run_ctx *rc, run_case *cs)
{
    cf_case_result *res = &cs->res;
    res->ran = 1;
    res->passed = 1;
    for (size_t i = 0; i < res->check_count; i++) {
        rc->result->checks++;
        if (!res->checks[i].passed) {
            res->passed = 0;
            rc->result->checks_failed++;
        }
    }
    if (res->passed)
        rc->result->passed++;
    else
        rc->result->failed++;
}
