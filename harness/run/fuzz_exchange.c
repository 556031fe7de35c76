/* fuzz_exchange.c - one fuzz request: built as the step it stands for behind its operation's
 * captures, its expected outcome from the seed or from the oracle (the body schema and the
 * parameters' validity), sent, and judged by the checks `conform run` uses; and the setup
 * steps that make what an operation consumes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/utf8.h"
#include "check/checks.h"
#include "run/fuzz_internal.h"

#define FZ_SETUP_TRIES 3u /* attempts at an operation's setup steps before it is left out */

void fz_slot_cleanup(fz_slot *s)
{
    if (!s)
        return;
    fz_input_cleanup(&s->in);
    free((void *)s->step.allow_codes);
    cf_request_cleanup(&s->req);
    cf_response_cleanup(&s->resp);
    memset(s, 0, sizeof(*s));
}

/* {$token[:label]}: a fresh idempotency token per request (the same label within one request
 * gives the same value): the campaign's nonce and the request's number. The server sees a new
 * token each time, so a rerun with the seed repeats its answers although the bytes differ. */
static cf_rc fz_generator(void *user, const char *name, const char *arg, cf_buf *out)
{
    fz *f = user;
    if (strcmp(name, "token") != 0)
        return CF_E_NOT_FOUND;
    return cf_buf_addf(out, "conform-fuzz-%.8s-%zu%s%s", f->nonce, f->token_seq, arg[0] ? "-" : "",
                       arg);
}

/* What the oracle makes of a request's body: 1 when it is valid (the mock's own reading: JSON
 * that parses with the same parser and depth bound, accepted by the operation's body schema; no
 * body is valid unless the operation requires one), and *refs 0 when a resource id it carries
 * is no longer the one the setup made (a mutant changed it: the answer may be any error). */
static int body_valid(const fz_op *op, const cf_request *req, int *refs)
{
    *refs = 1;
    if (!op->json)
        return 1;
    if (!req->body || req->body_len == 0)
        return !op->po->op->body_required;
    if (req->body_len > CF_MAX_REQUEST_BODY ||
        cf_utf8_length(req->body, req->body_len) == (size_t)-1)
        return 0;
    cJSON *json = NULL;
    size_t offset = 0;
    if (cf_json_parse(req->body, req->body_len, CF_MAX_JSON_DEPTH, &json, &offset) != CF_OK)
        return 0;
    const cf_schema *s = op->json->schema.compiled;
    int ok = !s || cf_schema_check(s, json, CF_SCHEMA_REQUEST, "", NULL) == 0;
    const cf_api_operation *o = op->po->op;
    for (size_t i = 0; i < o->mock.consume_count && *refs; i++) {
        const cf_api_resource_ref *ref = &o->mock.consumes[i];
        const char *want = cf_bindings_get(&op->captures, ref->resource);
        if (ref->in != CF_API_IN_BODY || !want || !ref->where)
            continue;
        const cJSON *v = cf_json_pointer(json, ref->where);
        *refs = cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
    }
    cJSON_Delete(json);
    return ok;
}

/* The answers a request whose idempotency token is not one fz_generator made for it may also
 * get: it may repeat an earlier request's token with other parameters (a mismatch) or meet it
 * in flight. */
static cf_rc allow_stale(const fz *f, fz_slot *s)
{
    const cf_api_operation *op = s->step.op;
    char fresh[64];
    snprintf(fresh, sizeof(fresh), "conform-fuzz-%.8s-%zu", f->nonce, f->token_seq);
    if (!s->req.idem_token || strstr(s->req.idem_token, fresh))
        return CF_OK;
    const char *codes[2] = {op->idem.mismatch_code, op->idem.in_flight_code};
    cf_api_role roles[2] = {op->idem.mismatch_role, op->idem.in_flight_role};
    const char **list = calloc(s->step.allow_count + 2, sizeof(*list));
    if (!list)
        return CF_E_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < s->step.allow_count; i++)
        list[n++] = s->step.allow_codes[i];
    for (size_t i = 0; i < 2; i++) {
        const char *c = codes[i];
        if (!c && roles[i] > CF_API_ROLE_NONE && roles[i] < CF_API_ROLE__COUNT)
            c = f->api->roles[roles[i]].code;
        if (c)
            list[n++] = c;
    }
    free((void *)s->step.allow_codes);
    s->step.allow_codes = list;
    s->step.allow_count = n;
    return CF_OK;
}

cf_rc fz_prepare(fz *f, fz_slot *s)
{
    fz_op *op = &f->ops[s->in.op];
    cf_rc rc = cf_gen_step_read(f->api, s->in.step, "fuzz", &s->step);
    if (rc == CF_E_NOMEM)
        return rc;
    if (rc != CF_OK) {
        f->r->skipped++;
        return CF_OK;
    }
    s->step.parallel = 1;
    f->token_seq++;
    cf_tmpl_ctx ctx = {cf_secrets_vars(f->o->secrets), &op->captures, fz_generator, f};
    char err[CF_ERR_MAX];
    rc = cf_request_build(f->api, &s->step, f->o->base_url, &ctx, &s->req, err, sizeof(err));
    if (rc == CF_E_NOMEM)
        return rc;
    if (rc != CF_OK) {
        f->r->skipped++;
        return CF_OK;
    }
    int valid = s->step.outcome == CF_OUTCOME_SUCCESS;
    if (!s->in.fixed) {
        int refs = 1;
        valid = body_valid(op, &s->req, &refs) && s->in.params_ok && refs;
        const cf_api_role v = CF_API_ROLE_VALIDATION;
        int named = refs && (f->api->roles[v].code || f->api->roles[v].status);
        s->step.outcome = valid ? CF_OUTCOME_SUCCESS : CF_OUTCOME_ERROR;
        s->step.role = valid || !named ? CF_API_ROLE_NONE : v;
        s->step.code = valid || !named ? NULL : f->api->roles[v].code;
        s->step.status = 0;
    }
    rc = allow_stale(f, s);
    if (rc != CF_OK)
        return rc;
    f->r->valid += (size_t)valid;
    cf_response_init(&s->resp, f->o->transport.max_body);
    s->built = 1;
    return CF_OK;
}

/* The caller's credential the request carries, for masking; NULL when none. */
static const char *credential_of(const cf_api *api, const cf_step *st, const cf_request *req)
{
    const char *caller = NULL;
    const cf_api_credential *c = cf_request_credential(api, st->op, &caller);
    return c && c->in == CF_API_IN_HEADER ? cf_headers_get(&req->headers, c->name) : NULL;
}

cf_rc fz_judge(fz *f, fz_slot *s, cf_case_result *c)
{
    cf_response_finish_op(&s->resp, f->api, s->step.op);
    /* Everything recorded masks the credential the request carried, as the runner does. */
    const char *cred = credential_of(f->api, &s->step, &s->req);
    cf_secrets own;
    cf_rc rc = cf_secrets_with_credential(f->o->secrets, cred, cred ? strlen(cred) : 0, &own);
    if (rc != CF_OK)
        return rc;
    cf_tmpl_ctx ctx = {cf_secrets_vars(f->o->secrets), &f->ops[s->in.op].captures, fz_generator, f};
    cf_check_input in = {f->api, s->step.op, &s->step, &s->req,       &s->resp,
                         &own,   &ctx,       "fuzz",   s->received_ms};
    rc = cf_checks_run(&in, c);
    cf_secrets_cleanup(&own);
    return rc;
}

cf_rc fz_send_one(fz *f, fz_slot *s)
{
    cf_exchange ex = {&s->req, &s->resp, 0, 0};
    cf_rc rc = cf_transport_perform(f->t, &ex, 1, f->o->stop);
    s->received_ms = cf_time_now_ms();
    f->r->requests++;
    return rc;
}

/* The step's captures from its successful answer, as the runner takes them. */
static cf_rc capture(fz_op *op, const cJSON *node, const cf_response *resp)
{
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(node, "capture");
    for (const cJSON *m = cap ? cap->child : NULL; m; m = m->next) {
        if (!cJSON_IsString(m))
            continue;
        char *value = NULL;
        if (strncmp(m->valuestring, "header:", 7) == 0) {
            const char *h = cf_headers_get(&resp->headers, m->valuestring + 7);
            value = h ? cf_strdup(h) : NULL;
        } else {
            value = cf_checks_value_text(resp->json, m->valuestring);
        }
        cf_rc rc = value ? cf_bindings_set(&op->captures, m->string, value, 0) : CF_OK;
        free(value);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

/* One setup step sent; *ok 1 when it succeeded (its captures taken). */
static cf_rc setup_step(fz *f, fz_op *op, const cJSON *node, int *ok, char *err, size_t errlen)
{
    fz_slot s;
    memset(&s, 0, sizeof(s));
    *ok = 0;
    cf_rc rc = cf_gen_step_read(f->api, node, "setup", &s.step);
    if (rc != CF_OK)
        return rc == CF_E_NOMEM ? rc : CF_OK;
    f->token_seq++;
    cf_tmpl_ctx ctx = {cf_secrets_vars(f->o->secrets), &op->captures, fz_generator, f};
    char why[CF_ERR_MAX];
    rc = cf_request_build(f->api, &s.step, f->o->base_url, &ctx, &s.req, why, sizeof(why));
    if (rc == CF_OK) {
        cf_response_init(&s.resp, f->o->transport.max_body);
        rc = fz_send_one(f, &s);
        f->r->setups++;
    } else if (rc != CF_E_NOMEM) {
        rc = CF_OK; /* cannot be built: the operation is left out */
        s.built = -1;
    }
    if (rc == CF_OK && s.built == 0 && s.resp.unreachable && f->r->requests == 1) {
        snprintf(err, errlen, "the target cannot be reached: %s", s.resp.transport_error);
        f->r->unreachable_why = cf_secrets_redact_dup(f->o->secrets, err, strlen(err), CF_ERR_MAX);
        rc = CF_E_TRANSPORT;
    }
    if (rc == CF_OK && s.built == 0) {
        cf_response_finish_op(&s.resp, f->api, s.step.op);
        *ok = s.resp.envelope == CF_ENVELOPE_SUCCESS;
        if (*ok)
            rc = capture(op, node, &s.resp);
    }
    fz_slot_cleanup(&s);
    return rc;
}

cf_rc fz_setup(fz *f, size_t i, char *err, size_t errlen)
{
    fz_op *op = &f->ops[i];
    const cf_fuzz_plan_op *po = op->po;
    op->stale = 0;
    cf_rc rc = CF_OK;
    int ok = 0;
    /* A setup step may meet a passing fault (a 500, a 429): the steps are tried again from the
     * first before the operation is given up. */
    for (unsigned attempt = 0; attempt < FZ_SETUP_TRIES && rc == CF_OK && !ok; attempt++) {
        cf_bindings_cleanup(&op->captures);
        ok = 1;
        for (size_t k = 0; k < po->setup_count && rc == CF_OK && ok; k++) {
            if (f->o->stop && *f->o->stop)
                return CF_E_INTERRUPTED;
            rc = setup_step(f, op, cJSON_GetArrayItem(po->setup, (int)k), &ok, err, errlen);
        }
    }
    if (rc == CF_OK && !ok && !op->dead) {
        op->dead = 1;
        f->r->dead++;
    }
    return rc;
}
