/* test_aws_shapes.c - AWS shapes and bindings as cf_api parameters, bodies and schemas: labels,
 * query lists, header timestamps, enums and intEnums, maps, unions, documents, blobs,
 * timestamps per location and format, jsonName, and errors with their roles. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aws_models.h"
#include "aws_text.h"
#include "base/json.h"

static cf_api *load(const char *model)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_assert_eq(cf_test_aws_load_q(model, NULL, &api, &d), CF_OK, "%s", cf_test_diags_text(&d));
    cf_diags_cleanup(&d);
    return api;
}

/* The schema at `pointer` inside `root` equals the q-JSON `want`. */
static void expect_schema(const cJSON *root, const char *pointer, const char *want)
{
    const cJSON *got = cf_json_pointer(root, pointer);
    cJSON *w = cf_test_json_q(want);
    char *g = got ? cJSON_PrintUnformatted(got) : NULL;
    cr_expect(got && cJSON_Compare(got, w, 1), "%s: got %s", pointer, g ? g : "nothing");
    free(g);
    cJSON_Delete(w);
}

Test(aws_shapes, bindings_become_parameters_with_their_schemas, .timeout = 10)
{
    const char *models[] = {smithy_base, botocore_base};
    for (size_t i = 0; i < 2; i++) {
        cf_api *api = load(models[i]);
        const cf_api_operation *o = cf_api_operation_find(api, "Put");
        cr_assert_not_null(o);
        cr_expect_str_eq(o->method, "PUT");
        cr_expect_str_eq(o->path, "/things/{Id}");
        cr_expect_eq(o->responses[0].status, 201);
        const cf_api_param *id = cf_api_param_find(o, CF_API_IN_PATH, "Id");
        const cf_api_param *tag = cf_api_param_find(o, CF_API_IN_QUERY, "tag");
        const cf_api_param *since = cf_api_param_find(o, CF_API_IN_HEADER, "x-since");
        cr_assert(id && tag && since);
        cr_expect(id->required);
        cr_expect(!tag->required);
        cr_expect_eq(tag->style, CF_API_STYLE_FORM);
        cr_expect(tag->explode);
        expect_schema(id->schema.json, "",
                      "{'type':'string','minLength':1,'maxLength':64,'pattern':'^[a-z]+$'}");
        expect_schema(tag->schema.json, "/maxItems", "3");
        expect_schema(since->schema.json, "", "{'type':'string'}"); /* IMF-fixdate */
        cr_expect_str_eq(o->idem.token, "/Token");
        cr_expect_eq(o->idem.mismatch_role, CF_API_ROLE_VALIDATION);
        cr_assert_eq(o->body_count, 1);
        const cJSON *body = o->bodies[0].schema.json;
        expect_schema(body, "/required", "['Body']");
        expect_schema(body, "/properties/Body/properties/Size",
                      "{'type':'integer','format':'int64','minimum':1,'maximum':10}");
        expect_schema(body, "/properties/Body/properties/renamed_x", "{'type':'string'}");
        const cf_api_response *ok = &o->responses[0];
        expect_schema(ok->content[0].schema.json, "/properties/When", "{'type':'number'}");
        cr_assert_eq(ok->header_count, 2);
        cr_expect_str_eq(ok->headers[1].name, "ETag");
        cr_expect_eq(api->envelope.message.at[0].pointer[1], 'm', "lower-case message member");
        const cf_api_error *bad = cf_api_error_find(api, "Bad");
        cr_assert_not_null(bad);
        cr_expect_eq(bad->status, 400);
        cr_expect_eq(bad->role, CF_API_ROLE_VALIDATION, "inferred from 400");
        cr_expect_str_eq(api->servers[0].url, "https://ex.{region}.amazonaws.com");
        cf_api_free(api);
    }
}

Test(aws_shapes, smithy_shapes_become_json_schemas, .timeout = 10)
{
    cf_api *api = load(smithy_base);
    const cJSON *t = cf_json_pointer(cf_api_operation_find(api, "Put")->bodies[0].schema.json,
                                     "/properties/Body/properties");
    cr_assert_not_null(t);
    expect_schema(t, "/Kind", "{'type':'string','enum':['a','B']}");
    expect_schema(t, "/Level", "{'type':'integer','format':'int32','enum':[1]}");
    expect_schema(t, "/Meta/additionalProperties", "{'type':'integer','format':'int32'}");
    expect_schema(t, "/Meta/propertyNames/pattern", "'^[a-z]+$'");
    expect_schema(t, "/Choice/minProperties", "1");
    expect_schema(t, "/Choice/maxProperties", "1");
    expect_schema(t, "/Doc", "{}");
    expect_schema(t, "/Data", "{'type':'string','format':'byte'}");
    expect_schema(t, "/At", "{'type':'string','format':'date-time'}");
    cf_api_free(api);
}

Test(aws_shapes, payloads_prefix_headers_and_status_members_travel_apart, .timeout = 10)
{
    cJSON *doc = cf_test_json_q(smithy_base);
    cr_assert_eq(
        cf_json_pointer_set(doc, "/shapes/ex#PutOut/members",
                            cf_test_json_q("{'Blob':{'target':'smithy.api#Blob',"
                                           "'traits':{'smithy.api#httpPayload':{}}},"
                                           "'Code':{'target':'smithy.api#Integer',"
                                           "'traits':{'smithy.api#httpResponseCode':{}}}}")),
        CF_OK);
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_assert_eq(cf_aws_load("m.json", doc, NULL, NULL, &api, &d), CF_OK, "%s",
                 cf_test_diags_text(&d));
    const cf_api_response *ok = &cf_api_operation_find(api, "Put")->responses[0];
    cr_expect_str_eq(ok->content[0].media_type, "application/octet-stream");
    expect_schema(ok->content[0].schema.json, "/format", "'byte'");
    cf_api_free(api);
    cf_diags_cleanup(&d);
    cJSON_Delete(doc);
}

/* Smithy patterns are Java regexes: ViewId's "\_" needs no escape there, but ECMA-262 with the
 * u flag refuses it, so the model's schema drops that backslash and still validates. */
Test(aws_shapes, java_identity_escapes_leave_patterns, .timeout = 30)
{
    static const char *const models[] = {
        CONFORM_SOURCE_DIR "/specs/connect-participant/connectparticipant-2018-09-07.json",
        CONFORM_SOURCE_DIR
        "/specs/connect-participant/connectparticipant-2018-09-07.service-2.json"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
        cf_diags d;
        cf_diags_init(&d);
        cf_api *api = NULL;
        cr_assert_eq(cf_api_load_file(models[i], &api, &d), CF_OK, "%s", cf_test_diags_text(&d));
        const cf_api_operation *op = cf_api_operation_find(api, "DescribeView");
        cr_assert_not_null(op);
        const cf_api_response *ok = cf_api_response_for(op, 200);
        cr_assert(ok && ok->content_count == 1);
        const cJSON *id =
            cf_json_pointer(ok->content[0].schema.json, "/properties/View/properties/Id");
        cr_assert_not_null(id, "%s", models[i]);
        expect_schema(id, "/pattern", "'^[a-zA-Z0-9_\\\\-:\\\\/$]+$'");
        cJSON *good = cJSON_CreateString("view_id-1:a/b$");
        cJSON *bad = cJSON_CreateString("view id");
        cr_expect_eq(cf_schema_validate(id, good, "", NULL), 0);
        cr_expect_eq(cf_schema_validate(id, bad, "", NULL), 1);
        cJSON_Delete(good);
        cJSON_Delete(bad);
        cf_api_free(api);
        cf_diags_cleanup(&d);
    }
}
