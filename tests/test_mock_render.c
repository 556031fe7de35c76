/* test_mock_render.c - the mock's direct rendering of answer templates (direct.c): byte for
 * byte the text the template's expanded tree would print, for successes and errors, with
 * escapes, numbers, value placeholders present and absent, and nested arrays. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "contract/spec.h"
#include "contract/vars.h"
#include "mock/internal.h"
#include "mock_fixture.h"

/* Every kind of node a template may hold; nothing random, so two renderings can be compared. */
static const char success_tmpl[] =
    "{\"plain\":\"text\",\"rep\":\"x{$repeat:a\\\"b:3}y\",\"esc\\\"k\\u0001\":\"tab\\t ctl\\u001f "
    "quote\\\" \\u00e9 back\\\\\","
    "\"size\":\"{$size}\",\"named\":\"{$size:/AttachmentSizeInBytes}\",\"gone\":\"{$size:/No}\","
    "\"mixed\":\"s={$size}; c={$code}\",\"caller\":\"{$code}\",\"region\":\"in {region}\","
    "\"braces\":\"{{not}} { a } "
    "{$\",\"nums\":[1.5,1e300,-0.0,0,123456789012,-999999999999999,1e15,4.0,0.1,-7],"
    "\"flags\":[true,false,null],\"deep\":[[],{},[\"{$size:/No}\",\"{$size}\"],"
    "{\"in\":{\"x\":\"{$size}\"}}]}";

static cf_spec *spec_with_template(void)
{
    const char *pointer = "/mock/success/body";
    cJSON *tmpl = cJSON_Parse(success_tmpl);
    cr_assert_not_null(tmpl);
    return cf_test_spec_edited(cf_test_mock_specs[0], &pointer, &tmpl, 1);
}

/* The body cf_mock_handle() answers; the caller frees it. */
static char *answer(cf_mock *m, const cf_spec *spec, const cf_headers *h, const char *body,
                    int *status)
{
    cf_mock_answer a;
    cr_assert_eq(cf_mock_handle(m, "POST", spec->op.path, h, body, strlen(body), &a), CF_OK);
    *status = a.status;
    char *text = strdup(a.body);
    cr_assert_not_null(text);
    cf_mock_answer_cleanup(&a);
    return text;
}

Test(mock_render, direct_answers_are_the_bytes_the_tree_prints, .timeout = 20)
{
    cf_spec *spec = spec_with_template();
    cf_secrets vars;
    cf_headers h;
    cf_mock *m = cf_test_mock_offline(spec, &vars, &h);
    cr_assert(m->plans[0].direct, "the template qualifies for the direct walk");
    cr_assert(m->error_direct);
    const char *ok[3] = {
        "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1024,"
        "\"AttachmentName\":\"a\\\"b\\\\c\\u0001\\u00e9\\n/\",\"ClientToken\":\"r-1\"}",
        "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1024,"
        "\"AttachmentName\":\"a\\\"b\\\\c\\u0001\\u00e9\\n/\",\"ClientToken\":\"r-2\"}",
        "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1024,"
        "\"AttachmentName\":\"a\\\"b\\\\c\\u0001\\u00e9\\n/\",\"ClientToken\":\"r-4\"}"};
    /* an error whose message carries the request's own text back */
    const char *bad = "{\"ContentType\":\"no\\\"such\\ttype\",\"AttachmentSizeInBytes\":1,"
                      "\"AttachmentName\":\"x\",\"ClientToken\":\"r-3\"}";
    /* compiled, then walked, then through the tree: one text */
    char *got[3], *got_err[3];
    int status[3], status_err[3];
    cr_assert_not_null(m->plans[0].compiled);
    cr_assert_not_null(m->error_compiled);
    cf_mock_compiled *compiled = m->plans[0].compiled, *error_compiled = m->error_compiled;
    for (int mode = 0; mode < 3; mode++) {
        if (mode == 1) {
            m->plans[0].compiled = NULL;
            m->error_compiled = NULL;
        } else if (mode == 2) {
            m->plans[0].direct = 0;
            m->error_direct = 0;
        }
        got[mode] = answer(m, spec, &h, ok[mode], &status[mode]);
        got_err[mode] = answer(m, spec, &h, bad, &status_err[mode]);
        cr_assert_eq(status[mode], 200, "%s", got[mode]);
        cr_assert_eq(status_err[mode], 400, "%s", got_err[mode]);
    }
    m->plans[0].compiled = compiled;
    m->error_compiled = error_compiled;
    for (int mode = 0; mode < 2; mode++) {
        cr_assert_str_eq(got[mode], got[2], "mode %d: %s vs %s", mode, got[mode], got[2]);
        cr_assert_str_eq(got_err[mode], got_err[2], "mode %d", mode);
    }
    const char *direct = got[0];
    /* and what the tree printed is what the template asked for */
    cJSON *doc = cJSON_Parse(direct);
    cr_assert_not_null(doc, "%s", direct);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "gone")), "an absent size is null");
    cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(doc, "named")));
    cr_assert_str_eq(cJSON_GetObjectItem(doc, "mixed")->valuestring, "s=1024; c=none");
    cr_assert_str_eq(cJSON_GetObjectItem(doc, "region")->valuestring, "in us-east-1");
    cr_assert_str_eq(cJSON_GetObjectItem(doc, "rep")->valuestring, "xa\"ba\"ba\"by");
    cr_assert(cJSON_IsNull(
        cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "deep"), 2), 0)));
    cJSON_Delete(doc);
    for (int mode = 0; mode < 3; mode++) {
        free(got[mode]);
        free(got_err[mode]);
    }
    cf_headers_cleanup(&h);
    cf_mock_stop(m);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
}

Test(mock_render, duplicate_member_names_keep_the_tree, .timeout = 10)
{
    cJSON *t = cJSON_Parse("{\"a\":1,\"b\":[{\"c\":1,\"c\":2}]}");
    cr_assert_not_null(t);
    cr_assert_eq(cf_mock_direct_ok(t), 0);
    cJSON_Delete(t);
    t = cJSON_Parse("{\"a\":1,\"b\":[{\"c\":1,\"d\":2}],\"e\":\"{$id}\"}");
    cr_assert_eq(cf_mock_direct_ok(t), 1);
    cJSON_Delete(t);
}
