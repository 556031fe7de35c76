/* fuzz_exchange.c - one fuzz request: built as the case step it stands for, its expected
 * outcome from the validator, sent, and judged by the checks `conform run` uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "check/checks.h"
#include "run/fuzz_internal.h"

void fz_input_cleanup(fz_input *in)
{
    if (!in)
        return;
    cJSON_Delete(in->body);
    free(in->raw);
    free(in->origin);
    memset(in, 0, sizeof(*in));
}

cf_rc fz_input_copy(const fz_input *in, fz_input *out)
{
    memset(out, 0, sizeof(*out));
    out->body = in->body ? cJSON_Duplicate(in->body, 1) : NULL;
    out->raw = in->raw ? cf_strdup(in->raw) : NULL;
    out->origin = in->origin ? cf_strdup(in->origin) : NULL;
    if ((in->body && !out->body) || (in->raw && !out->raw) || (in->origin && !out->origin)) {
        fz_input_cleanup(out);
        return CF_E_NOMEM;
    }
    return CF_OK;
}

void fz_slot_cleanup(fz_slot *s)
{
    if (!s)
        return;
    fz_input_cleanup(&s->in);
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

/* The mock's own reading of a body, so the expectation is what the contract implies: JSON
 * that parses (same parser, same depth bound), an object, accepted by the body schema. Sets
 * *stale when the body's idempotency token is not one fz_generator made for this request: it
 * may repeat an earlier request's token with other parameters, and the conflict answer is then
 * the contract's, not a finding. */
static int body_valid(const fz *f, const char *body, size_t len, int *stale)
{
    const cf_spec *spec = f->spec;
    *stale = 0;
    if (!body || len == 0 || len > CF_MAX_REQUEST_BODY)
        return 0;
    cJSON *json = NULL;
    size_t offset = 0;
    if (cf_json_parse(body, len, CF_MAX_JSON_DEPTH, &json, &offset) != CF_OK)
        return 0;
    int ok = cJSON_IsObject(json) &&
             (!spec->op.body_compiled ||
              cf_schema_check(spec->op.body_compiled, json, CF_SCHEMA_REQUEST, "", NULL) == 0);
    if (ok && spec->idem.enabled && spec->idem.token) {
        char fresh[64];
        snprintf(fresh, sizeof(fresh), "conform-fuzz-%.8s-%zu", f->nonce, f->token_seq);
        const cJSON *t = cf_json_pointer(json, spec->idem.token);
        *stale = !(cJSON_IsString(t) && strstr(t->valuestring, fresh));
    }
    cJSON_Delete(json);
    return ok;
}

cf_rc fz_prepare(fz *f, fz_slot *s)
{
    const cf_spec *spec = f->spec;
    memset(&s->step, 0, sizeof(s->step));
    s->step.name = "fuzz";
    s->step.op = &f->api->operations[0];
    s->step.role = CF_API_ROLE_NONE;
    s->step.parallel = 1;
    if (s->in.raw)
        s->step.raw_body = s->in.raw;
    else
        s->step.body = s->in.body;
    f->token_seq++;
    cf_tmpl_ctx ctx = {cf_secrets_vars(f->o->secrets), NULL, fz_generator, f};
    char err[CF_ERR_MAX];
    cf_rc rc = cf_request_build(f->api, &s->step, f->o->base_url, &ctx, &s->req, err, sizeof(err));
    if (rc == CF_E_NOMEM)
        return rc;
    if (rc != CF_OK) {
        f->r->skipped++;
        return CF_OK;
    }
    int stale = 0;
    int valid = body_valid(f, s->req.body, s->req.body_len, &stale);
    s->step.outcome = valid ? CF_OUTCOME_SUCCESS : CF_OUTCOME_ERROR;
    s->step.code = valid ? NULL : cf_spec_role_code(spec, CF_ROLE_VALIDATION);
    if (stale && cf_spec_role_code(spec, CF_ROLE_CONFLICT)) {
        s->allow[0] = cf_spec_role_code(spec, CF_ROLE_CONFLICT);
        s->step.allow_codes = s->allow;
        s->step.allow_count = 1;
    }
    f->r->valid += (size_t)valid;
    cf_response_init(&s->resp, f->o->transport.max_body);
    s->built = 1;
    return CF_OK;
}

cf_rc fz_judge(fz *f, fz_slot *s, cf_case_result *c)
{
    const cf_spec *spec = f->spec;
    cf_response_finish(&s->resp, f->api);
    /* Everything recorded masks the credential the request carried, as the runner does. */
    const char *cred =
        spec->op.auth_header ? cf_headers_get(&s->req.headers, spec->op.auth_header) : NULL;
    cf_secrets own;
    cf_rc rc = cf_secrets_with_credential(f->o->secrets, cred, cred ? strlen(cred) : 0, &own);
    if (rc != CF_OK)
        return rc;
    cf_tmpl_ctx ctx = {cf_secrets_vars(f->o->secrets), NULL, fz_generator, f};
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
