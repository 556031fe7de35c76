/* test_aws_overlay.c - the overlay file over an AWS model: what it sets, and its errors (unknown
 * keys listing the allowed ones, unknown operations, credentials, callers and roles), each with
 * the overlay file and JSON Pointer. */
#include <string.h>

#include <criterion/criterion.h>

#include "aws_models.h"
#include "aws_text.h"

static const char good[] =
    "{'overlay':1,'models':['model.json'],"
    "'variables':{'tok':{'default':'t-1','secret':true},'tok2':{'secret':true}},"
    "'credentials':{'bearer':{'header':'X-Token','callers':['tok','tok2']}},"
    "'credential':'bearer','latency_ms':1500,"
    "'errors':{'Bad':{'role':'conflict'}},"
    "'operations':{'Put':{'latency_ms':900,'idempotency':{'scope':'global','identical':['/Id'],"
    " 'mismatch_role':'conflict','in_flight_role':null,'retention_s':3600,'replays_errors':false},"
    " 'mock':{'status':201,'answer':{'Id':'{$uuid}'},"
    "  'produces':[{'resource':'thing','in':'body','where':'/Id'}]}}}}";

Test(aws_overlay, an_overlay_sets_what_the_model_lacks, .timeout = 10)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_assert_eq(cf_test_aws_load_q(smithy_base, good, &api, &d), CF_OK, "%s",
                 cf_test_diags_text(&d));
    const cf_api_var *tok = cf_api_var_find(api, "tok");
    cr_assert_not_null(tok);
    cr_expect(tok->secret);
    cr_expect_str_eq(tok->default_value, "t-1");
    cr_assert_eq(api->credential_count, 1);
    cr_expect_str_eq(api->credentials[0].name, "X-Token");
    cr_expect_eq(api->credentials[0].caller_count, 2);
    cr_assert_eq(api->security_count, 1);
    cr_expect_str_eq(api->security[0].all[0]->id, "bearer");
    cr_expect_eq(api->defaults.latency_ms, 1500);
    const cf_api_error *bad = cf_api_error_find(api, "Bad");
    cr_expect_eq(bad->role, CF_API_ROLE_CONFLICT);
    cr_expect_eq(bad->inferred, 0);
    cr_expect_str_eq(api->roles[CF_API_ROLE_CONFLICT].code, "Bad");
    cr_expect_null(api->roles[CF_API_ROLE_VALIDATION].code);
    const cf_api_operation *o = cf_api_operation_find(api, "Put");
    cr_expect_eq(o->latency_ms, 900);
    cr_expect_eq(o->idem.scope, CF_API_SCOPE_GLOBAL);
    cr_expect_eq(o->idem.in_flight_role, CF_API_ROLE_NONE);
    cr_expect_eq(o->idem.retention_s, 3600);
    cr_expect_eq(o->idem.replays_errors, 0);
    cr_expect_eq(o->responses[1].role, CF_API_ROLE_CONFLICT);
    cr_expect_eq(o->mock.answer_status, 201);
    cr_assert_not_null(o->mock.answer_body);
    cr_assert_eq(o->mock.produce_count, 1);
    cr_expect_eq(o->mock.produces[0].in, CF_API_IN_BODY);
    cf_api_free(api);
    cf_diags_cleanup(&d);
}

static const struct {
    const char *overlay, *path, *says;
} errors[] = {
    {"{'overlay':1,'colour':'red'}", "/colour",
     "unknown key \"colour\" (allowed: overlay, models, description, variables, credentials, "
     "credential, latency_ms, errors, operations)"},
    {"{'overlay':2}", "/overlay", "expected 1"},
    {"{'overlay':1,'operations':{'Get':{}}}", "/operations/Get", "unknown operation \"Get\""},
    {"{'overlay':1,'operations':{'Put':{'speed':1}}}", "/operations/Put/speed",
     "(allowed: credential, latency_ms, idempotency, mock)"},
    {"{'overlay':1,'credential':'nobody'}", "/credential", "unknown credential \"nobody\""},
    {"{'overlay':1,'credentials':{'c':{'header':'X','callers':['ghost']}}}",
     "/credentials/c/callers/0", "not a secret variable"},
    {"{'overlay':1,'credentials':{'c':{'header':'X','query':'q'}}}", "/credentials/c",
     "exactly one of"},
    {"{'overlay':1,'variables':{'v':{'secret':'yes'}}}", "/variables/v/secret", "true or false"},
    {"{'overlay':1,'variables':{'v':{'hidden':true}}}", "/variables/v/hidden",
     "(allowed: default, secret, description)"},
    {"{'overlay':1,'variables':{'a-b':{}}}", "/variables/a-b", "[A-Za-z_][A-Za-z0-9_]*"},
    {"{'overlay':1,'errors':{'Nope':{'role':'auth'}}}", "/errors/Nope", "unknown error code"},
    {"{'overlay':1,'errors':{'Bad':{'role':'grumpy'}}}", "/errors/Bad/role",
     "expected a role (validation, auth, not-found, conflict, quota, throttle, internal)"},
    {"{'overlay':1,'latency_ms':-5}", "/latency_ms", "whole number"},
    {"{'overlay':1,'operations':{'Put':{'idempotency':{'scope':'world'}}}}",
     "/operations/Put/idempotency/scope", "\"caller\" or \"global\""},
    {"{'overlay':1,'operations':{'Put':{'mock':{'produces':[{'resource':'r','in':'moon',"
     "'where':'/x'}]}}}}",
     "/operations/Put/mock/produces/0/in", "\"body\""},
    {"{'overlay':1,'operations':{'Put':{'mock':{'answer_headers':[]}}}}",
     "/operations/Put/mock/answer_headers", "expected an object"},
};

Test(aws_overlay, overlay_errors_name_the_overlay_file_and_pointer, .timeout = 10)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        cf_diags d;
        cf_diags_init(&d);
        cf_api *api = NULL;
        cr_expect_eq(cf_test_aws_load_q(smithy_base, errors[i].overlay, &api, &d), CF_E_INVALID,
                     "%s", errors[i].overlay);
        cr_expect_null(api);
        cr_expect(cf_test_diag_has(&d, errors[i].path, errors[i].says),
                  "[%zu] want %s \"%s\", got:\n%s", i, errors[i].path, errors[i].says,
                  cf_test_diags_text(&d));
        cr_expect(d.count && strcmp(d.items[0].file, "model.overlay.json") == 0);
        cf_api_free(api);
        cf_diags_cleanup(&d);
    }
}

Test(aws_overlay, idempotency_on_an_operation_without_a_token_is_an_error, .timeout = 10)
{
    cJSON *doc = cf_test_json_q(smithy_base);
    cJSON_DeleteItemFromObjectCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "shapes"),
                                             "ex#PutIn"),
            "members"),
        "Token");
    cJSON *ov = cf_test_json_q("{'overlay':1,'operations':{'Put':{'idempotency':{}}}}");
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_expect_eq(cf_aws_load("m.json", doc, "o.json", ov, &api, &d), CF_E_INVALID);
    cr_expect(cf_test_diag_has(&d, "/operations/Put/idempotency", "no idempotency token"), "%s",
              cf_test_diags_text(&d));
    cf_api_free(api);
    cf_diags_cleanup(&d);
    cJSON_Delete(doc);
    cJSON_Delete(ov);
}
