/* test_json_text.c - json_text.c writes what cJSON_PrintUnformatted() prints, hostile values
 * included; and the template walk that uses it equals printing the expanded tree. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/json.h"
#include "contract/template.h"

/* cf_json_add(v) must be cJSON_PrintUnformatted(v), byte for byte. */
static void assert_same_as_cjson(const cJSON *v, const char *what)
{
    char *want = cJSON_PrintUnformatted(v);
    cr_assert_not_null(want, "%s: cJSON printed nothing", what);
    cf_buf got;
    cf_buf_init(&got, 1u << 20);
    cr_assert_eq(cf_json_add(&got, v), CF_OK, "%s", what);
    cr_expect_str_eq(cf_buf_str(&got), want, "%s", what);
    cf_buf_free(&got);
    cJSON_free(want);
}

Test(json_text, parsed_documents_print_as_cjson_prints_them, .timeout = 5)
{
    static const char *const docs[] = {
        "{}",
        "[]",
        "null",
        "true",
        "false",
        "0",
        "-0",
        "-0.0",
        "1",
        "-1",
        "2147483647",
        "2147483648",
        "-2147483649",
        "999999999999999",
        "1000000000000000",
        "-999999999999999",
        "9007199254740993",
        "1e300",
        "-1e-300",
        "0.1",
        "0.30000000000000004",
        "123.456",
        "1.7976931348623157e308",
        "5e-324",
        "\"\"",
        "\"plain ascii\"",
        "\"quote \\\" backslash \\\\ slash \\/\"",
        "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"",
        "\"caf\\u00e9 \\u2028 \\ud83d\\ude00\"",
        "\"caf\xc3\xa9 raw \xe2\x82\xac\"",
        "{\"a\":1,\"a\":2,\"\":null,\"k\\\"ey\\n\":[1,\"x\",{}]}",
        "[[[[[]]]],{\"deep\":{\"er\":[true,false,null,-0,0.5]}}]",
        "{\"ContentType\":\"text/plain\",\"Size\":1024,\"ClientToken\":\"{$token}\"}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        cJSON *v = cJSON_Parse(docs[i]);
        cr_assert_not_null(v, "%s", docs[i]);
        assert_same_as_cjson(v, docs[i]);
        cJSON_Delete(v);
    }
}

Test(json_text, built_values_cjson_never_parses_print_the_same, .timeout = 5)
{
    /* Numbers a tree can hold that no parse gives: NaN, infinities, a valueint that does not
     * match valuedouble, whole numbers around the fast path's edge. */
    const double numbers[] = {NAN,      INFINITY, -INFINITY, -0.0, 1e15,        -1e15,    1e15 - 1,
                              1e15 + 1, 0.5,      1.0 / 3.0, 1e-7, DBL_MAX,     -DBL_MAX, DBL_MIN,
                              INT_MAX,  INT_MIN,  4e9,       -4e9, 4294967296.0};
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        cJSON *n = cJSON_CreateNumber(numbers[i]);
        cr_assert_not_null(n);
        assert_same_as_cjson(n, "a built number");
        n->valueint = 7; /* out of step with valuedouble */
        assert_same_as_cjson(n, "a number whose valueint disagrees");
        cJSON_Delete(n);
    }
    /* Every byte from 1 to 255 in a string and in a key. */
    char all[256];
    for (int b = 1; b < 256; b++)
        all[b - 1] = (char)b;
    all[255] = '\0';
    cJSON *o = cJSON_CreateObject();
    cr_assert_not_null(o);
    cr_assert_not_null(cJSON_AddStringToObject(o, all, all));
    cr_assert_not_null(cJSON_AddRawToObject(o, "raw", "{\"as\":\"is\"}"));
    cJSON *s = cJSON_CreateString("x");
    cr_assert_not_null(s);
    free(s->valuestring);
    s->valuestring = NULL; /* cJSON prints a string without text as "" */
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "list"), s);
    assert_same_as_cjson(o, "every byte, a raw member and a NULL string");
    cJSON_Delete(o);
    /* Plain strings short and long, and each with one escape at its end. */
    const size_t lengths[] = {0, 1, 255, 256, 257, 300, 4096};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        char *text = malloc(lengths[i] + 1);
        cr_assert_not_null(text);
        memset(text, 'x', lengths[i]);
        text[lengths[i]] = '\0';
        for (int escaped = 0; escaped < 2; escaped++) {
            if (escaped && lengths[i])
                text[lengths[i] - 1] = '"';
            cJSON *v = cJSON_CreateString(text);
            cr_assert_not_null(v);
            assert_same_as_cjson(v, "a long plain string");
            cJSON_Delete(v);
        }
        free(text);
    }
}

Test(json_text, a_string_and_its_characters_are_escaped_as_cjson_does, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 1024);
    cr_assert_eq(cf_json_add_string(&b, "a\"b\\c\n\x01"), CF_OK);
    cr_expect_str_eq(cf_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\"");
    cf_buf_reset(&b);
    cr_assert_eq(cf_json_add_chars(&b, "tab\there"), CF_OK);
    cr_expect_str_eq(cf_buf_str(&b), "tab\\there");
    cf_buf_free(&b);
    /* Past the buffer's maximum: the buffer's error, as any writer into a cf_buf. */
    cf_buf small;
    cf_buf_init(&small, 4);
    cr_expect_eq(cf_json_add_string(&small, "too long"), CF_E_TOO_LARGE);
    cf_buf_free(&small);
}

/* ---- cf_template_expand_json_text() against cf_template_expand_json() + print ----------- */

/* A generator whose output depends on how often it ran: both paths must expand each string
 * once, in the same order, to agree. */
static cf_rc counting_gen(void *user, const char *name, const char *arg, cf_buf *out)
{
    unsigned *n = user;
    if (strcmp(name, "count") != 0)
        return CF_E_NOT_FOUND;
    return cf_buf_addf(out, "%s#%u\"\n", arg, ++*n);
}

typedef struct {
    cf_rc rc;
    char err[256];
    char *text;  /* the printed tree or the written text; NULL on failure */
    char *token; /* the string at the watched pointer */
} outcome;

static void by_tree(const cJSON *tmpl, const char *pointer, cf_bindings *vars, outcome *o)
{
    unsigned n = 0;
    cf_tmpl_ctx ctx = {vars, NULL, counting_gen, &n};
    cJSON *tree = NULL;
    memset(o, 0, sizeof(*o));
    o->rc = cf_template_expand_json(tmpl, &ctx, &tree, o->err, sizeof(o->err));
    if (o->rc == CF_OK) {
        o->text = cJSON_PrintUnformatted(tree);
        const cJSON *at = pointer ? cf_json_pointer(tree, pointer) : NULL;
        if (cJSON_IsString(at))
            o->token = strdup(at->valuestring);
    }
    cJSON_Delete(tree);
}

static void by_text(const cJSON *tmpl, const char *pointer, cf_bindings *vars, outcome *o)
{
    unsigned n = 0;
    cf_tmpl_ctx ctx = {vars, NULL, counting_gen, &n};
    const cJSON *watch = pointer ? cf_json_pointer(tmpl, pointer) : NULL;
    cf_buf b;
    cf_buf_init(&b, 1u << 20);
    memset(o, 0, sizeof(*o));
    o->rc = cf_template_expand_json_text(tmpl, &ctx, &b, watch, &o->token, o->err, sizeof(o->err));
    o->text = o->rc == CF_OK ? cf_buf_take(&b) : NULL;
    cf_buf_free(&b);
}

static void assert_paths_agree(const cJSON *tmpl, const char *pointer, const char *what)
{
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "v", "va\"lue\\\x01", 0), CF_OK);
    cr_assert_eq(cf_bindings_set(&vars, "empty", "", 0), CF_OK);
    outcome tree, text;
    by_tree(tmpl, pointer, &vars, &tree);
    by_text(tmpl, pointer, &vars, &text);
    cr_expect_eq(text.rc, tree.rc, "%s: rc %s, want %s", what, cf_err_name(text.rc),
                 cf_err_name(tree.rc));
    cr_expect_str_eq(text.err, tree.err, "%s", what);
    cr_expect_str_eq(text.text ? text.text : "(none)", tree.text ? tree.text : "(none)", "%s",
                     what);
    cr_expect_str_eq(text.token ? text.token : "(none)", tree.token ? tree.token : "(none)", "%s",
                     what);
    free(tree.text);
    free(tree.token);
    free(text.text);
    free(text.token);
    cf_bindings_cleanup(&vars);
}

Test(json_text, template_text_equals_printing_the_expanded_tree, .timeout = 5)
{
    static const struct {
        const char *json;
        const char *pointer; /* watched, as a body's idempotency token */
    } cases[] = {
        {"{\"ClientToken\":\"{$count:t}\",\"n\":1024,\"s\":\"plain\"}", "/ClientToken"},
        {"{\"a\":\"{v}{v}\",\"b\":[\"{$count}\",\"{$count:x}\",-0,1e300],\"c\":\"{{v}\"}", "/b/1"},
        {"{\"{v}\":\"keys are not expanded\",\"e\":\"{empty}\",\"q\":\"{ }\"}", "/e"},
        {"{\"dup\":\"{$count:1}\",\"dup\":\"{$count:2}\"}", "/dup"},
        {"[\"{$count}\",{\"in\":[\"{$count}\"]}]", "/1/in/0"},
        {"\"{v}\"", ""},
        {"42", ""},
        {"{\"t\":\"{$count:t}\"}", "/absent"},
        {"{\"t\":{\"deeper\":1}}", "/t"},
        {"{\"bad\":\"{nope}\",\"after\":\"{$count}\"}", "/after"},
        {"[\"{$count}\",\"{@nocapture}\"]", "/0"},
        {"{\"r\":\"{$repeat:x}\"}", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *tmpl = cJSON_Parse(cases[i].json);
        cr_assert_not_null(tmpl, "%s", cases[i].json);
        assert_paths_agree(tmpl, cases[i].pointer, cases[i].json);
        cJSON_Delete(tmpl);
    }
}

/* `levels` arrays around a string holding a placeholder: [[..["{v}"]..]]. */
static cJSON *nested(int levels)
{
    cJSON *v = cJSON_CreateString("{v}");
    for (int i = 0; v && i < levels; i++) {
        cJSON *a = cJSON_CreateArray();
        if (!a) {
            cJSON_Delete(v);
            return NULL;
        }
        cJSON_AddItemToArray(a, v);
        v = a;
    }
    return v;
}

Test(json_text, template_text_fails_as_deep_as_the_tree_copy_does, .timeout = 5)
{
    const int levels[] = {199, 200, 201, 260};
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        cJSON *tmpl = nested(levels[i]);
        cr_assert_not_null(tmpl);
        char what[32];
        snprintf(what, sizeof(what), "%d levels", levels[i]);
        assert_paths_agree(tmpl, NULL, what);
        cJSON_Delete(tmpl);
    }
}

Test(json_text, a_member_without_a_name_fails_as_adding_it_to_the_copy_does, .timeout = 5)
{
    cJSON *tmpl = cJSON_Parse("{\"a\":\"{v}\"}");
    cr_assert_not_null(tmpl);
    char *name = tmpl->child->string;
    tmpl->child->string = NULL;
    assert_paths_agree(tmpl, NULL, "a nameless member");
    tmpl->child->string = name;
    cJSON_Delete(tmpl);
}
