/* test_aws.c - the bundled Connect Participant models (Smithy and botocore) load into the same
 * cf_api, field by field; the overlay beside them supplies credentials, callers and budgets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/json.h"
#include "contract/aws.h"
#include "cli_child.h"
#include "npm_util.h"

#define DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"
#define SMITHY DIR "connectparticipant-2018-09-07.json"
#define BOTOCORE DIR "connectparticipant-2018-09-07.service-2.json"
#define OVERLAY DIR "connectparticipant.overlay.json"

/* What the botocore model (2026) has that the Smithy model (2025) lacks: JSON Pointers into
 * botocore's schema of (operation, where) removed before comparing. */
static const struct {
    const char *op, *where, *pointer;
} drift[] = {
    {"CreateParticipantConnection", "body", "/properties/Type/items/enum/2"},
    {"CreateParticipantConnection", "200", "/properties/WebRTCConnection"},
    {"GetTranscript", "200",
     "/properties/Transcript/items/properties/MessageMetadata/properties/MessageProcessingStatus"},
    {"SendMessage", "200", "/properties/MessageMetadata"},
};

static cf_api *load(const char *path, const char *overlay)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_aws_load_file(path, overlay, &api, &d);
    cr_assert_eq(rc, CF_OK, "%s: %s (%s)", path, cf_strerror(rc),
                 d.count ? d.items[0].message : "no diagnostic");
    cr_assert_eq(cf_diags_total(&d), 0);
    cf_diags_cleanup(&d);
    return api;
}

/* Asserts two schemas equal once botocore's drift is removed from b. */
static void same_schema(const char *op, const char *where, const cJSON *a, const cJSON *b)
{
    cr_assert((a == NULL) == (b == NULL), "%s %s: schema on one side only", op, where);
    if (!a)
        return;
    cJSON *bb = cJSON_Duplicate(b, 1);
    cr_assert_not_null(bb);
    for (size_t i = 0; i < sizeof(drift) / sizeof(drift[0]); i++)
        if (strcmp(drift[i].op, op) == 0 && strcmp(drift[i].where, where) == 0)
            cr_assert_eq(cf_json_pointer_remove(bb, drift[i].pointer), CF_OK,
                         "%s %s: expected drift %s is gone: update the table", op, where,
                         drift[i].pointer);
    char *sa = cJSON_PrintUnformatted(a), *sb = cJSON_PrintUnformatted(bb);
    cr_expect(cJSON_Compare(a, bb, 1), "%s %s differs:\nsmithy   %s\nbotocore %s", op, where, sa,
              sb);
    free(sa);
    free(sb);
    cJSON_Delete(bb);
}

static const cf_api_response *response_by_code(const cf_api_operation *o, int status,
                                               const char *code)
{
    for (size_t i = 0; i < o->response_count; i++)
        if (o->responses[i].status == status &&
            (code ? o->responses[i].error_code && strcmp(o->responses[i].error_code, code) == 0
                  : !o->responses[i].error_code))
            return &o->responses[i];
    return NULL;
}

static void same_strings(const char *what, const char **a, size_t na, const char **b, size_t nb)
{
    cr_assert_eq(na, nb, "%s: %zu vs %zu", what, na, nb);
    for (size_t i = 0; i < na; i++)
        cr_expect_str_eq(a[i], b[i], "%s[%zu]", what, i);
}

static void same_idempotency(const char *op, const cf_api_idempotency *a,
                             const cf_api_idempotency *b)
{
    cr_expect_eq(a->in, b->in, "%s: token location", op);
    cr_expect((a->token == NULL) == (b->token == NULL) &&
                  (!a->token || !strcmp(a->token, b->token)),
              "%s: token %s vs %s", op, a->token ? a->token : "-", b->token ? b->token : "-");
    cr_expect_eq(a->scope, b->scope, "%s: scope", op);
    cr_expect_eq(a->mismatch_role, b->mismatch_role, "%s: mismatch role", op);
    cr_expect_eq(a->in_flight_role, b->in_flight_role, "%s: in-flight role", op);
    cr_expect_eq(a->retention_s, b->retention_s, "%s: retention", op);
    cr_expect_eq(a->replays_errors, b->replays_errors, "%s: replays errors", op);
    same_strings("identical", a->identical, a->identical_count, b->identical, b->identical_count);
    same_strings("must_repeat", a->must_repeat, a->must_repeat_count, b->must_repeat,
                 b->must_repeat_count);
}

static void same_operation(const cf_api_operation *a, const cf_api_operation *b)
{
    cr_expect_str_eq(a->method, b->method, "%s: method", a->id);
    cr_expect_str_eq(a->path, b->path, "%s: path", a->id);
    cr_assert_eq(a->param_count, b->param_count, "%s: parameters", a->id);
    for (size_t i = 0; i < a->param_count; i++) {
        const cf_api_param *pa = &a->params[i];
        const cf_api_param *pb = cf_api_param_find(b, pa->in, pa->name);
        cr_assert_not_null(pb, "%s: botocore lacks %s %s", a->id, cf_api_in_name(pa->in), pa->name);
        cr_expect_eq(pa->required, pb->required, "%s: %s required", a->id, pa->name);
        cr_expect_eq(pa->style, pb->style, "%s: %s style", a->id, pa->name);
        same_schema(a->id, pa->name, pa->schema.json, pb->schema.json);
    }
    cr_assert_eq(a->body_count, b->body_count, "%s: bodies", a->id);
    cr_expect_eq(a->body_required, b->body_required, "%s: body required", a->id);
    for (size_t i = 0; i < a->body_count; i++) {
        cr_expect_str_eq(a->bodies[i].media_type, b->bodies[i].media_type);
        same_schema(a->id, "body", a->bodies[i].schema.json, b->bodies[i].schema.json);
    }
    cr_assert_eq(a->response_count, b->response_count, "%s: responses", a->id);
    for (size_t i = 0; i < a->response_count; i++) {
        const cf_api_response *ra = &a->responses[i];
        const cf_api_response *rb = response_by_code(b, ra->status, ra->error_code);
        cr_assert_not_null(rb, "%s: botocore lacks the %d %s response", a->id, ra->status,
                           ra->error_code ? ra->error_code : "success");
        cr_expect_eq(ra->role, rb->role, "%s %d: role", a->id, ra->status);
        cr_assert_eq(ra->header_count, rb->header_count, "%s %d: headers", a->id, ra->status);
        for (size_t h = 0; h < ra->header_count; h++) {
            cr_expect_str_eq(ra->headers[h].name, rb->headers[h].name);
            cr_expect_eq(ra->headers[h].required, rb->headers[h].required);
        }
        char where[16];
        snprintf(where, sizeof(where), "%d", ra->status);
        same_schema(a->id, ra->error_code ? ra->error_code : where, ra->content[0].schema.json,
                    rb->content[0].schema.json);
    }
    cr_expect_eq(a->security_count, b->security_count, "%s: security", a->id);
    cr_expect_eq(a->security_none, b->security_none, "%s: security none", a->id);
    if (a->security_count && b->security_count)
        cr_expect_str_eq(a->security[0].all[0]->id, b->security[0].all[0]->id);
    cr_expect_eq(a->latency_ms, b->latency_ms, "%s: latency", a->id);
    cr_expect_eq(a->mock.produce_count, b->mock.produce_count, "%s: produces", a->id);
    cr_expect_eq(a->mock.consume_count, b->mock.consume_count, "%s: consumes", a->id);
    same_idempotency(a->id, &a->idem, &b->idem);
}

Test(aws, smithy_and_botocore_load_into_the_same_model, .timeout = 30)
{
    cf_api *s = load(SMITHY, NULL), *b = load(BOTOCORE, NULL);
    cr_assert_eq(s->source, CF_API_FROM_SMITHY);
    cr_assert_eq(b->source, CF_API_FROM_BOTOCORE);
    cr_expect_str_eq(s->title, b->title);
    cr_expect_str_eq(s->version, b->version);
    cr_assert_eq(s->server_count, 1);
    cr_expect_str_eq(s->servers[0].url, b->servers[0].url);
    cr_assert_eq(s->operation_count, 11);
    cr_assert_eq(b->operation_count, 11);
    for (size_t i = 0; i < s->operation_count; i++) {
        const cf_api_operation *ob = cf_api_operation_find(b, s->operations[i].id);
        cr_assert_not_null(ob, "botocore lacks %s", s->operations[i].id);
        same_operation(&s->operations[i], ob);
    }
    cr_assert_eq(s->error_count, b->error_count);
    for (size_t i = 0; i < s->error_count; i++) {
        const cf_api_error *eb = cf_api_error_find(b, s->errors[i].code);
        cr_assert_not_null(eb, "botocore lacks %s", s->errors[i].code);
        cr_expect_eq(s->errors[i].status, eb->status, "%s", eb->code);
        cr_expect_eq(s->errors[i].role, eb->role, "%s", eb->code);
        same_schema("error", eb->code, s->errors[i].schema.json, eb->schema.json);
    }
    for (int r = 0; r < CF_API_ROLE__COUNT; r++) {
        cr_expect_eq(s->roles[r].status, b->roles[r].status, "role %d", r);
        cr_expect((s->roles[r].code == NULL) == (b->roles[r].code == NULL));
    }
    cr_expect_str_eq(s->envelope.code.at[0].header, b->envelope.code.at[0].header);
    cr_expect_str_eq(s->envelope.message.at[0].pointer, b->envelope.message.at[0].pointer);
    cr_expect_eq(s->var_count, b->var_count);
    cr_expect_eq(s->credential_count, b->credential_count);
    cf_api_free(s);
    cf_api_free(b);
}

static const struct {
    const char *id, *method, *path, *token, *credential, *required;
} ops[] = {
    {"CancelParticipantAuthentication", "POST", "/participant/cancel-authentication", NULL,
     "connection", "SessionId"},
    {"CompleteAttachmentUpload", "POST", "/participant/complete-attachment-upload", "/ClientToken",
     "connection", "AttachmentIds,ClientToken"},
    {"CreateParticipantConnection", "POST", "/participant/connection", NULL, "participant", ""},
    {"DescribeView", "GET", "/participant/views/{ViewToken}", NULL, "connection", NULL},
    {"DisconnectParticipant", "POST", "/participant/disconnect", "/ClientToken", "connection", ""},
    {"GetAttachment", "POST", "/participant/attachment", NULL, "connection", "AttachmentId"},
    {"GetAuthenticationUrl", "POST", "/participant/authentication-url", NULL, "connection",
     "SessionId,RedirectUri"},
    {"GetTranscript", "POST", "/participant/transcript", NULL, "connection", ""},
    {"SendEvent", "POST", "/participant/event", "/ClientToken", "connection", "ContentType"},
    {"SendMessage", "POST", "/participant/message", "/ClientToken", "connection",
     "ContentType,Content"},
    {"StartAttachmentUpload", "POST", "/participant/start-attachment-upload", "/ClientToken",
     "connection", "ContentType,AttachmentSizeInBytes,AttachmentName,ClientToken"},
};

static const struct {
    const char *code;
    int status;
    cf_api_role role;
} catalogue[] = {
    {"AccessDeniedException", 403, CF_API_ROLE_AUTH},
    {"ConflictException", 409, CF_API_ROLE_CONFLICT},
    {"InternalServerException", 500, CF_API_ROLE_INTERNAL},
    {"ResourceNotFoundException", 404, CF_API_ROLE_NOT_FOUND},
    {"ServiceQuotaExceededException", 402, CF_API_ROLE_QUOTA},
    {"ThrottlingException", 429, CF_API_ROLE_THROTTLE},
    {"ValidationException", 400, CF_API_ROLE_VALIDATION},
};

/* The operation's body "required" list as "a,b" ("" when none, NULL when no body). */
static void expect_required(const cf_api_operation *o, const char *want)
{
    if (!want) {
        cr_expect_eq(o->body_count, 0, "%s has no body", o->id);
        return;
    }
    cr_assert_eq(o->body_count, 1, "%s has a body", o->id);
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(o->bodies[0].schema.json, "required");
    char got[256] = "";
    for (const cJSON *r = req ? req->child : NULL; r; r = r->next)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", got[0] ? "," : "",
                 r->valuestring);
    cr_expect_str_eq(got, want, "%s required", o->id);
    cr_expect_eq(o->body_required, want[0] != '\0', "%s body_required", o->id);
}

Test(aws, both_models_give_the_documented_operations_errors_and_rules, .timeout = 30)
{
    const char *files[] = {SMITHY, BOTOCORE};
    for (size_t f = 0; f < 2; f++) {
        cf_api *api = load(files[f], NULL);
        cr_assert_eq(api->operation_count, sizeof(ops) / sizeof(ops[0]));
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
            const cf_api_operation *o = cf_api_operation_find(api, ops[i].id);
            cr_assert_not_null(o, "%s: no %s", files[f], ops[i].id);
            cr_expect_str_eq(o->method, ops[i].method);
            cr_expect_str_eq(o->path, ops[i].path);
            cr_expect((o->idem.token == NULL) == (ops[i].token == NULL) &&
                          (!o->idem.token || strcmp(o->idem.token, ops[i].token) == 0),
                      "%s token", ops[i].id);
            const cf_api_security *sec = o->security_count ? o->security : api->security;
            cr_assert_not_null(sec, "%s has a credential", ops[i].id);
            cr_expect_str_eq(sec->all[0]->id, ops[i].credential, "%s credential", ops[i].id);
            cr_expect_str_eq(sec->all[0]->name, "X-Amz-Bearer");
            const cf_api_param *bearer = cf_api_param_find(o, CF_API_IN_HEADER, "x-amz-bearer");
            cr_assert_not_null(bearer, "%s: X-Amz-Bearer parameter", ops[i].id);
            cr_expect(bearer->required);
            expect_required(o, ops[i].required);
            cr_expect_eq(o->responses[0].status, 200);
            cr_expect_str_eq(o->responses[0].headers[0].name, "x-amzn-RequestId");
            for (size_t r = 1; r < o->response_count; r++) {
                cr_expect_str_eq(o->responses[r].headers[1].name, "x-amzn-ErrorType");
                cr_expect(o->responses[r].headers[1].required);
            }
        }
        const cf_api_operation *dv = cf_api_operation_find(api, "DescribeView");
        const cf_api_param *vt = cf_api_param_find(dv, CF_API_IN_PATH, "ViewToken");
        cr_assert_not_null(vt);
        cr_expect(vt->required);
        cr_assert_eq(api->error_count, sizeof(catalogue) / sizeof(catalogue[0]));
        for (size_t i = 0; i < api->error_count; i++) {
            const cf_api_error *e = cf_api_error_find(api, catalogue[i].code);
            cr_assert_not_null(e, "%s", catalogue[i].code);
            cr_expect_eq(e->status, catalogue[i].status, "%s", e->code);
            cr_expect_eq(e->role, catalogue[i].role, "%s", e->code);
            cr_expect_str_eq(api->roles[e->role].code, e->code);
        }
        cr_expect_eq(api->envelope.classify, CF_API_CLASSIFY_STATUS);
        cr_expect_str_eq(api->envelope.code.at[0].header, "x-amzn-ErrorType");
        cr_expect_str_eq(api->envelope.message.at[0].pointer, "/Message");
        const cf_api_operation *cau = cf_api_operation_find(api, "CompleteAttachmentUpload");
        const cf_api_operation *sau = cf_api_operation_find(api, "StartAttachmentUpload");
        cr_expect_eq(cau->idem.mismatch_role, CF_API_ROLE_CONFLICT, "it has ConflictException");
        cr_expect_eq(sau->idem.mismatch_role, CF_API_ROLE_VALIDATION, "no conflict error");
        cf_api_free(api);
    }
}

Test(aws, the_overlay_beside_the_models_supplies_callers_budget_and_details, .timeout = 30)
{
    cf_api *api = load(BOTOCORE, OVERLAY);
    static const char *secrets[] = {"participant_token", "participant_token_alt", "view_token"};
    for (size_t i = 0; i < 3; i++) {
        const cf_api_var *v = cf_api_var_find(api, secrets[i]);
        cr_assert_not_null(v, "%s", secrets[i]);
        cr_expect(v->secret);
        cr_expect_not_null(v->default_value);
    }
    const cf_api_credential *p = cf_api_credential_find(api, "participant");
    cr_assert_not_null(p);
    cr_expect_eq(p->in, CF_API_IN_HEADER);
    cr_assert_eq(p->caller_count, 2);
    cr_expect_str_eq(p->callers[1], "participant_token_alt");
    cr_expect_eq(api->defaults.latency_ms, 2000);
    const cf_api_operation *sau = cf_api_operation_find(api, "StartAttachmentUpload");
    cr_assert_eq(sau->idem.identical_count, 1);
    cr_expect_str_eq(sau->idem.identical[0], "/AttachmentId");
    cr_expect_eq(sau->idem.retention_s, 28800);
    cr_expect_eq(sau->idem.inferred, 0);
    const cf_api_operation *cpc = cf_api_operation_find(api, "CreateParticipantConnection");
    cr_assert_eq(cpc->mock.produce_count, 1);
    cr_expect_str_eq(cpc->mock.produces[0].where, "/ConnectionCredentials/ConnectionToken");
    cf_api_free(api);
}

Test(aws, without_an_overlay_credentials_and_idempotency_are_inferred, .timeout = 30)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    /* a folder with the model alone: nothing to discover */
    char dir[] = "/tmp/conform-aws-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/m.json", dir);
    cf_test_copy_file(SMITHY, path);
    cr_assert_eq(cf_aws_load_file(path, NULL, &api, &d), CF_OK);
    cr_expect_eq(api->var_count, 0);
    const cf_api_operation *o = cf_api_operation_find(api, "SendMessage");
    cr_assert_eq(o->security_count, 1);
    cr_expect_str_eq(o->security[0].all[0]->name, "X-Amz-Bearer");
    cr_expect(o->security[0].all[0]->inferred);
    cr_expect_eq(o->security[0].all[0]->caller_count, 0);
    cr_expect(o->idem.inferred);
    cr_expect_eq(o->idem.scope, CF_API_SCOPE_CALLER);
    cr_expect(api->errors[0].inferred);
    cr_expect_eq(api->defaults.latency_ms, 0);
    cf_api_free(api);
    cf_diags_cleanup(&d);
    cf_test_remove_tree(dir);
}

Test(aws, the_schemas_hold_requests_to_the_model_constraints, .timeout = 30)
{
    cf_api *api = load(SMITHY, NULL);
    const cf_api_operation *o = cf_api_operation_find(api, "StartAttachmentUpload");
    const cf_schema *s = o->bodies[0].schema.compiled;
    cr_assert_not_null(s);
    static const struct {
        const char *body;
        int ok;
    } cases[] = {
        {"{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1,\"AttachmentName\":\"a\","
         "\"ClientToken\":\"t\"}",
         1},
        {"{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1,\"AttachmentName\":\"a\"}",
         0},
        {"{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":0,\"AttachmentName\":\"a\","
         "\"ClientToken\":\"t\"}",
         0},
        {"{\"ContentType\":\"\",\"AttachmentSizeInBytes\":1,\"AttachmentName\":\"a\","
         "\"ClientToken\":\"t\"}",
         0},
        {"{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1.5,\"AttachmentName\":\"a\","
         "\"ClientToken\":\"t\"}",
         0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *body = cJSON_Parse(cases[i].body);
        cr_assert_not_null(body);
        cr_expect_eq(cf_schema_accepts(s, body), cases[i].ok, "%s", cases[i].body);
        cJSON_Delete(body);
    }
    cf_api_free(api);
}
