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
    FILE *f = fopen(cf_test_mock_specs[0], "rb");
    cr_assert_not_null(f);
    static char text[1u << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    cJSON *root = cJSON_Parse(text);
    cJSON *tmpl = cJSON_Parse(success_tmpl);
    cr_assert(root && tmpl);
    cr_assert_eq(cf_json_pointer_set(root, "/mock/success/body", tmpl), CF_OK);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_spec_load_mem("render.json", out, strlen(out), &spec, &d);
    cr_assert_eq(rc, CF_OK, "%s", d.count ? d.items[0].message : cf_strerror(rc));
    cf_diags_cleanup(&d);
    cJSON_free(out);
    return spec;
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
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = &vars;
    o.no_listen = 1;
    cf_mock *m = NULL;
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_OK, "%s", err);
    cr_assert(m->plans[0].direct, "the template qualifies for the direct walk");
    cr_assert(m->error_direct);

    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "x-amz-bearer", cf_secrets_get(&vars, "bearer")), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "content-type", "application/json"), CF_OK);
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
