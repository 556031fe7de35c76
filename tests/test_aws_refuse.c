/* test_aws_refuse.c - what the AWS loaders refuse, each refusal naming the file, the JSON
 * Pointer and what is unsupported: other protocols, unknown targets, cycles, bad traits. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aws_models.h"
#include "aws_text.h"
#include "base/json.h"

/* One refusal: the base model with the value at `at` set to `value` (q-JSON). */
typedef struct {
    const char *at, *value; /* patch */
    const char *path;       /* the diagnostic's JSON Pointer */
    const char *says;       /* in its message */
} refusal;

static const refusal smithy_refusals[] = {
    {"/shapes/ex#Svc/traits", "{'aws.protocols#awsJson1_0':{}}", "/shapes/ex#Svc", "awsJson1_0"},
    {"/shapes/ex#Svc/traits", "{'aws.protocols#awsJson1_1':{}}", "/shapes/ex#Svc", "awsJson1_1"},
    {"/shapes/ex#Svc/traits", "{'aws.protocols#restXml':{}}", "/shapes/ex#Svc", "restXml"},
    {"/shapes/ex#Svc/traits", "{'aws.protocols#awsQuery':{}}", "/shapes/ex#Svc", "awsQuery"},
    {"/shapes/ex#Svc/traits", "{'aws.protocols#ec2Query':{}}", "/shapes/ex#Svc", "ec2Query"},
    {"/shapes/ex#Svc/traits", "{}", "/shapes/ex#Svc", "no protocol trait"},
    {"/shapes/ex#Thing/members/Size/target", "'ex#Nope'", "/shapes/ex#Thing/members/Size",
     "unknown shape target \"ex#Nope\""},
    {"/shapes/ex#Put/input/target", "'ex#Gone'", "/shapes/ex#Put",
     "unknown shape target \"ex#Gone\" (operation input)"},
    {"/shapes/ex#Thing/members/Self", "{'target':'ex#Thing'}", "/shapes/ex#Thing", "recursive"},
    {"/shapes/ex#Name/traits/smithy.api#length", "{'min':'x'}",
     "/shapes/ex#Name/traits/smithy.api#length", "bad trait smithy.api#length"},
    {"/shapes/ex#Name/traits/smithy.api#length", "{'min':5,'max':1}",
     "/shapes/ex#Name/traits/smithy.api#length", "greater than max"},
    {"/shapes/ex#Size/traits/smithy.api#range", "{'max':true}",
     "/shapes/ex#Size/traits/smithy.api#range", "bad trait smithy.api#range"},
    {"/shapes/ex#Name/traits/smithy.api#pattern", "7", "/shapes/ex#Name/traits/smithy.api#pattern",
     "bad trait smithy.api#pattern"},
    {"/shapes/ex#Bad/traits/smithy.api#httpError", "99",
     "/shapes/ex#Bad/traits/smithy.api#httpError", "bad trait smithy.api#httpError"},
    {"/shapes/ex#Bad/traits/smithy.api#error", "'oops'", "/shapes/ex#Bad/traits/smithy.api#error",
     "\"client\" or \"server\""},
    {"/shapes/ex#Thing/members/At/traits/smithy.api#timestampFormat", "'iso'",
     "/shapes/ex#Thing/members/At/traits/smithy.api#timestampFormat", "bad trait"},
    {"/shapes/ex#Put/traits/smithy.api#http", "{'uri':'/x'}",
     "/shapes/ex#Put/traits/smithy.api#http", "\"method\""},
    {"/shapes/ex#Put/traits", "{}", "/shapes/ex#Put", "no smithy.api#http trait"},
    {"/shapes/ex#Put/traits/smithy.api#http/uri", "'/things/{Other}'", "/shapes/ex#Put",
     "{Other} is bound to no input member"},
    {"/shapes/ex#Put/traits/smithy.api#http/uri", "'/things/{Id}?x=1'", "/shapes/ex#Put",
     "literal query"},
    {"/shapes/ex#Thing/mixins", "[{'target':'ex#Name'}]", "/shapes/ex#Thing/mixins", "mixins"},
    {"/shapes/ex#Apply", "{'type':'apply','traits':{}}", "/shapes/ex#Apply", "apply"},
    {"/smithy", "'1.0'", "/smithy", "Smithy 2.0"},
    {"/shapes/ex#Svc2", "{'type':'service'}", "/shapes/ex#Svc2", "a second service"},
    {"/shapes/ex#Weird", "{'type':'gizmo'}", "/shapes/ex#Weird/type", "\"gizmo\""},
    {"/shapes/ex#PutIn/members/Since/traits/smithy.api#httpHeader", "5",
     "/shapes/ex#PutIn/members/Since/traits/smithy.api#httpHeader", "bad trait"},
    {"/shapes/ex#PutIn/members/Since/traits/smithy.api#httpQuery", "'s'",
     "/shapes/ex#PutIn/members/Since/traits/smithy.api#httpQuery", "already has an HTTP binding"},
    {"/shapes/ex#Put/errors/0/target", "'ex#Thing'", "/shapes/ex#Put", "not an error shape"},
    {"/shapes/ex#Choice/traits", "{'smithy.api#streaming':{}}",
     "/shapes/ex#Choice/traits/smithy.api#streaming", "event streams"},
    {"/shapes/ex#Level/members/LOW/traits/smithy.api#enumValue", "'one'",
     "/shapes/ex#Level/members/LOW", "numeric"},
    {"/shapes/ex#Tags/member", "7", "/shapes/ex#Tags/member", "\"target\""},
};

static const refusal botocore_refusals[] = {
    {"/metadata/protocol", "'json'", "/metadata/protocol", "awsJson"},
    {"/metadata/protocol", "'rest-xml'", "/metadata/protocol", "restXml"},
    {"/metadata/protocol", "'query'", "/metadata/protocol", "awsQuery"},
    {"/metadata/protocol", "'ec2'", "/metadata/protocol", "ec2Query"},
    {"/metadata/protocol", "'smoke-signals'", "/metadata/protocol", "\"smoke-signals\""},
    {"/shapes/Thing/members/Size/shape", "'Nope'", "/shapes/Thing/members/Size",
     "unknown shape target \"Nope\""},
    {"/shapes/Thing/members/Self", "{'shape':'Thing'}", "/shapes/Thing", "recursive"},
    {"/shapes/Name/min", "-1", "/shapes/Name", "bad trait min/max"},
    {"/shapes/Size/max", "0", "/shapes/Size", "greater than max"},
    {"/shapes/PutIn/required", "['Nope']", "/shapes/PutIn/required", "not a member"},
    {"/shapes/PutOut/members/Etag/jsonvalue", "true", "/shapes/PutOut/members/Etag", "jsonvalue"},
    {"/shapes/Thing/eventstream", "true", "/shapes/Thing", "event streams"},
    {"/shapes/PutIn/members/Tags/location", "'cookie'", "/shapes/PutIn/members/Tags/location",
     "unsupported location"},
    {"/operations/Put/http", "5", "/operations/Put", "no \"http\""},
    {"/operations/Put/http/responseCode", "1000", "/operations/Put/http", "responseCode"},
    {"/shapes/Size/enum", "['a']", "/shapes/Size/enum", "enum must be"},
    {"/shapes/Bad/error/httpStatusCode", "'x'", "/shapes/Bad/error", "httpStatusCode"},
    {"/shapes/Thing/members/Size/timestampFormat", "'x'",
     "/shapes/Thing/members/Size/timestampFormat", "timestampFormat"},
    {"/shapes/Weird", "{'type':'gizmo'}", "/shapes/Weird/type", "\"gizmo\""},
    {"/operations/Put/http/requestUri", "'/things'", "/operations/Put", "1 members are bound"},
    {"/shapes/PutIn/payload", "'Nope'", "/shapes/PutIn/payload", "payload must name a member"},
};

static void expect_refusals(const char *base, const refusal *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON *doc = cf_test_json_q(base);
        cr_assert_eq(cf_json_pointer_set(doc, table[i].at, cf_test_json_q(table[i].value)), CF_OK,
                     "patch %s", table[i].at);
        cf_diags d;
        cf_diags_init(&d);
        cf_api *api = NULL;
        cf_rc rc = cf_aws_load("model.json", doc, NULL, NULL, &api, &d);
        cr_expect_eq(rc, CF_E_INVALID, "[%zu] %s=%s: %s", i, table[i].at, table[i].value,
                     cf_strerror(rc));
        cr_expect_null(api);
        cr_expect(cf_test_diag_has(&d, table[i].path, table[i].says),
                  "[%zu] %s=%s: want %s \"%s\", got:\n%s", i, table[i].at, table[i].value,
                  table[i].path, table[i].says, cf_test_diags_text(&d));
        for (size_t k = 0; k < d.count; k++)
            cr_expect_str_eq(d.items[k].file, "model.json");
        cf_api_free(api);
        cf_diags_cleanup(&d);
        cJSON_Delete(doc);
    }
}

Test(aws_refuse, the_base_models_load, .timeout = 10)
{
    const char *bases[] = {smithy_base, botocore_base};
    for (size_t i = 0; i < 2; i++) {
        cf_diags d;
        cf_diags_init(&d);
        cf_api *api = NULL;
        cr_assert_eq(cf_test_aws_load_q(bases[i], NULL, &api, &d), CF_OK, "%s",
                     cf_test_diags_text(&d));
        cr_expect_eq(api->operation_count, 1);
        cf_api_free(api);
        cf_diags_cleanup(&d);
    }
}

Test(aws_refuse, smithy_refusals_name_file_pointer_and_feature, .timeout = 30)
{
    expect_refusals(smithy_base, smithy_refusals, sizeof(smithy_refusals) / sizeof(refusal));
}

Test(aws_refuse, botocore_refusals_name_file_pointer_and_feature, .timeout = 30)
{
    expect_refusals(botocore_base, botocore_refusals, sizeof(botocore_refusals) / sizeof(refusal));
}

Test(aws_refuse, documents_that_are_no_aws_model_are_left_to_other_loaders, .timeout = 10)
{
    static const char *others[] = {"{'openapi':'3.1.0'}", "[]", "{'metadata':5}", "'x'"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        cJSON *doc = cf_test_json_q(others[i]);
        cf_diags d;
        cf_diags_init(&d);
        cf_api *api = NULL;
        cr_expect_eq(cf_aws_load("x.json", doc, NULL, NULL, &api, &d), CF_E_NOT_FOUND, "%s",
                     others[i]);
        cr_expect_eq(cf_diags_total(&d), 0);
        cr_expect_null(api);
        cf_diags_cleanup(&d);
        cJSON_Delete(doc);
    }
}

Test(aws_refuse, a_shape_graph_that_inlines_exponentially_is_refused_not_expanded, .timeout = 30)
{
    /* L0 has two members of L1, L1 two of L2, ...: 2^24 inlined shapes from 25 definitions */
    cJSON *doc = cf_test_json_q(smithy_base);
    cJSON *shapes = cJSON_GetObjectItemCaseSensitive(doc, "shapes");
    for (int i = 0; i < 25; i++) {
        char id[32], next[32];
        snprintf(id, sizeof(id), "ex#L%d", i);
        snprintf(next, sizeof(next), "ex#L%d", i + 1);
        cJSON *s = cJSON_AddObjectToObject(shapes, id);
        cJSON_AddStringToObject(s, "type", "structure");
        cJSON *mm = cJSON_AddObjectToObject(s, "members");
        for (int k = 0; k < 2 && i < 24; k++)
            cJSON_AddStringToObject(cJSON_AddObjectToObject(mm, k ? "b" : "a"), "target", next);
    }
    cr_assert_eq(cf_json_pointer_set(doc, "/shapes/ex#Thing/members/Deep",
                                     cf_test_json_q("{'target':'ex#L0'}")),
                 CF_OK);
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_expect_eq(cf_aws_load("model.json", doc, NULL, NULL, &api, &d), CF_E_INVALID);
    cr_expect(cf_test_diag_has(&d, "/shapes/ex#PutIn", "the model is too large"), "%s",
              cf_test_diags_text(&d));
    cf_api_free(api);
    cf_diags_cleanup(&d);
    cJSON_Delete(doc);
}

Test(aws_refuse, sniffing_reads_top_level_keys_without_parsing, .timeout = 10)
{
    static const struct {
        const char *text;
        int aws;
    } cases[] = {
        {"{\"shapes\": {}, \"smithy\" : \"2.0\"}", 1},
        {" {\"metadata\": {\"apiVersion\": \"1\", \"protocols\": [\"rest-json\"]}}", 1},
        {"{\"metadata\": {\"protocol\": \"rest-json\"}, \"shapes\": {}}", 1},
        {"{\"a\": {\"smithy\": \"2.0\", \"shapes\": {}}}", 0},
        {"{\"protocol\": \"rest-json\", \"metadata\": {}}", 0},
        {"{\"metadata\": {\"x\": {\"protocol\": 1}}}", 0},
        {"{\"s\": \"\\\"smithy\\\": \", \"shapes\": 1}", 0},
        {"{\"smithy\": \"2.0\", \"shapes\"", 0},
        {"[\"smithy\", \"shapes\"]", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_eq(cf_aws_sniff(cases[i].text, strlen(cases[i].text)), cases[i].aws, "%s",
                     cases[i].text);
}
