/* test_openapi.c - the OpenAPI loader's documents: $ref (local, sibling files, cycles) and
 * every refusal, each naming the file, the pointer or line, and the feature. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/limits.h"
#include "contract/openapi.h"
#include "cli_child.h"

static cf_api *load_ok(const char *text)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_openapi_load_mem("t.json", text, strlen(text), &api, &d);
    cr_assert_eq(rc, CF_OK, "%s: first problem: %s: %s", cf_err_name(rc),
                 d.count ? d.items[0].path : "-", d.count ? d.items[0].message : "-");
    cf_diags_cleanup(&d);
    return api;
}

/* Some diagnostic's path equals `path` (NULL: any) and its message contains `want`. */
static void expect_problem(const cf_diags *d, const char *path, const char *want)
{
    for (size_t i = 0; i < d->count; i++)
        if ((!path || strcmp(d->items[i].path, path) == 0) && strstr(d->items[i].message, want))
            return;
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "  %s:%s: %s\n", d->items[i].file, d->items[i].path, d->items[i].message);
    cr_assert_fail("no problem at %s saying \"%s\"", path ? path : "(any)", want);
}

static void load_bad(const char *file, const char *text, const char *path, const char *want)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = (cf_api *)1;
    cf_rc rc = cf_openapi_load_mem(file, text, strlen(text), &api, &d);
    cr_assert_neq(rc, CF_OK);
    cr_assert_null(api);
    expect_problem(&d, path, want);
    cr_assert_str_eq(d.items[0].file, file ? file : "<memory>");
    cf_diags_cleanup(&d);
}

#define HEAD "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"T\",\"version\":\"1\"},"

Test(openapi, refs_to_components_and_to_any_pointer_resolve, .timeout = 10)
{
    cf_api *api = load_ok(
        HEAD "\"components\":{\"parameters\":{\"Id\":{\"$ref\":\"#/components/parameters/Id2\"},"
             "\"Id2\":{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":"
             "\"integer\"}}}},"
             "\"paths\":{\"/a/{id}\":{\"get\":{\"operationId\":\"getA\",\"parameters\":[{\"$ref\":"
             "\"#/components/parameters/Id\"}],\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
             "\"/b/{id}\":{\"get\":{\"parameters\":[{\"$ref\":\"#/paths/~1a~1%7Bid%7D/get/"
             "parameters/0\"}],\"responses\":{\"200\":{\"$ref\":\"#/paths/~1a~1{id}/get/"
             "responses/200\"}}}}}}");
    cr_assert_eq(api->operation_count, 2);
    const cf_api_operation *b = cf_api_operation_find(api, "GET /b/{id}");
    cr_assert_not_null(b);
    const cf_api_param *p = cf_api_param_find(b, CF_API_IN_PATH, "id");
    cr_assert_not_null(p);
    cr_assert(p->required);
    cr_assert_not_null(p->schema.compiled);
    cr_assert_str_eq(b->responses[0].description, "ok");
    cf_api_free(api);
}

Test(openapi, schema_refs_compile_against_the_document, .timeout = 10)
{
    cf_api *api = load_ok(
        HEAD "\"components\":{\"schemas\":{\"Node\":{\"type\":\"object\",\"required\":[\"v\"],"
             "\"properties\":{\"v\":{\"type\":\"integer\"},\"next\":{\"$ref\":\"#/components/"
             "schemas/Node\"}}}}},\"paths\":{\"/n\":{\"post\":{\"requestBody\":{\"content\":{"
             "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Node\"}}}},"
             "\"responses\":{\"204\":{\"description\":\"\"}}}}}}");
    const cf_api_media *m = cf_api_media_find(api->operations[0].bodies,
                                              api->operations[0].body_count, "application/json");
    cr_assert_not_null(m);
    cJSON *good = cJSON_Parse("{\"v\":1,\"next\":{\"v\":2}}");
    cJSON *bad = cJSON_Parse("{\"v\":1,\"next\":{\"v\":\"x\"}}");
    cr_assert(cf_schema_accepts(m->schema.compiled, good));
    cr_assert_not(cf_schema_accepts(m->schema.compiled, bad));
    cJSON_Delete(good);
    cJSON_Delete(bad);
    cf_api_free(api);
}

Test(openapi, ref_cycle_is_refused_with_its_pointer, .timeout = 10)
{
    load_bad("c.json",
             HEAD "\"components\":{\"parameters\":{\"A\":{\"$ref\":\"#/components/parameters/B\"},"
                  "\"B\":{\"$ref\":\"#/components/parameters/A\"}}},\"paths\":{}}",
             "/components/parameters/A", "$ref cycle");
}

Test(openapi, unknown_ref_is_refused_with_its_pointer, .timeout = 10)
{
    load_bad("u.json",
             HEAD "\"paths\":{\"/a\":{\"get\":{\"responses\":{\"200\":{\"description\":\"\","
                  "\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/"
                  "schemas/Nope\"}}}}}}}}}",
             "/paths/~1a/get/responses/200/content/application~1json/schema",
             "unknown $ref \"#/components/schemas/Nope\"");
}

Test(openapi, remote_ref_is_refused, .timeout = 10)
{
    load_bad("r.json", HEAD "\"paths\":{\"/a\":{\"$ref\":\"https://example.com/a.json#/x\"}}}",
             "/paths/~1a", "remote and absolute refs are not supported");
}

Test(openapi, sibling_ref_without_a_file_is_refused, .timeout = 10)
{
    load_bad(NULL, HEAD "\"paths\":{\"/a\":{\"$ref\":\"other.json\"}}}", "/paths/~1a",
             "the document was not read from a file");
}

/* ---- sibling files ---- */

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/conform-oa-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/schemas", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
}

static void remove_dir(void)
{
    cf_test_remove_tree(dir);
}

Test(openapi, refs_to_sibling_files_are_bundled, .init = make_dir, .fini = remove_dir,
     .timeout = 10)
{
    write_file("main.yaml",
               "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n"
               "      operationId: listPets\n      parameters:\n"
               "        - $ref: 'params.json#/limit'\n      responses:\n        '200':\n"
               "          description: ok\n          content:\n            application/json:\n"
               "              schema: {$ref: 'schemas/pet.yaml#/Pets'}\n"
               "components: {schemas: {Age: {type: integer, minimum: 0}}}\n");
    write_file("params.json", "{\"limit\":{\"name\":\"limit\",\"in\":\"query\",\"schema\":"
                              "{\"type\":\"integer\",\"maximum\":10}}}");
    /* A ref inside the sibling to itself and to a file beside it (relative to it). */
    write_file("schemas/pet.yaml", "Pets: {type: array, items: {$ref: '#/Pet'}}\n"
                                   "Pet:\n  type: object\n  required: [name]\n  properties:\n"
                                   "    name: {$ref: 'name.yaml'}\n"
                                   "    age: {$ref: '../main.yaml#/components/schemas/Age'}\n");
    write_file("schemas/name.yaml", "type: string\nminLength: 1\n");
    char path[256];
    snprintf(path, sizeof path, "%s/main.yaml", dir);
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_openapi_load_file(path, &api, &d);
    cr_assert_eq(rc, CF_OK, "%s", d.count ? d.items[0].message : "");
    const cf_api_operation *op = cf_api_operation_find(api, "listPets");
    cr_assert_not_null(op);
    const cf_api_param *limit = cf_api_param_find(op, CF_API_IN_QUERY, "limit");
    cr_assert_not_null(limit);
    cJSON *eleven = cJSON_CreateNumber(11);
    cr_assert_not(cf_schema_accepts(limit->schema.compiled, eleven));
    cJSON_Delete(eleven);
    const cf_api_schema *s = &op->responses[0].content[0].schema;
    cJSON *good = cJSON_Parse("[{\"name\":\"rex\",\"age\":3}]");
    cJSON *bad = cJSON_Parse("[{\"name\":\"\"}]"),
          *old = cJSON_Parse("[{\"name\":\"a\",\"age\":-1}]");
    cr_assert_not(cf_schema_accepts(s->compiled, old), "a ref back to the entry file");
    cJSON_Delete(old);
    cr_assert(cf_schema_accepts(s->compiled, good));
    cr_assert_not(cf_schema_accepts(s->compiled, bad));
    cJSON_Delete(good);
    cJSON_Delete(bad);
    cf_api_free(api);
    cf_diags_cleanup(&d);
}

Test(openapi, sibling_problems_name_the_sibling_file_and_line, .init = make_dir, .fini = remove_dir,
     .timeout = 10)
{
    /* The entry sits in schemas/; outside.yaml exists, one level up. */
    write_file("schemas/main.yaml", "openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths:\n"
                                    "  /a: {$ref: 'item.yaml'}\n  /b: {$ref: '../outside.yaml'}\n"
                                    "  /c: {$ref: 'missing.yaml'}\n");
    write_file("schemas/item.yaml", "get:\n  responses:\n    '200': {$ref: '#/nowhere'}\n");
    write_file("outside.yaml", "get: {responses: {}}\n");
    char path[256];
    snprintf(path, sizeof path, "%s/schemas/main.yaml", dir);
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_assert_eq(cf_openapi_load_file(path, &api, &d), CF_E_INVALID);
    cr_assert_null(api);
    expect_problem(&d, "/paths/~1b", "leaves the document's directory");
    expect_problem(&d, "/paths/~1c", "no such file");
    expect_problem(&d, "/get/responses/200", "unknown $ref \"item.yaml#/nowhere\"");
    int named = 0;
    for (size_t i = 0; i < d.count; i++)
        if (strstr(d.items[i].file, "schemas/item.yaml") &&
            strstr(d.items[i].message, "(line 3, column"))
            named = 1;
    cr_assert(named, "the sibling's problem names its file and line");
    cf_diags_cleanup(&d);
}

/* ---- refusals ---- */

Test(openapi, swagger_2_is_refused_saying_so, .timeout = 10)
{
    load_bad("s.yaml", "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n", "/swagger",
             "Swagger 2.0 is not supported");
}

Test(openapi, other_versions_are_refused, .timeout = 10)
{
    load_bad("v.json", "{\"openapi\":\"4.0.0\",\"paths\":{}}", "/openapi",
             "OpenAPI version \"4.0.0\" is not supported");
    load_bad("n.json", "{\"paths\":{}}", "/openapi", "not an OpenAPI document");
    load_bad("a.json", "[1]", "", "not an object");
}

Test(openapi, bad_yaml_is_refused_with_line_and_column, .timeout = 10)
{
    load_bad("b.yaml", "openapi: 3.0.0\ninfo: {title: T\npaths: {}\n", "", "not valid YAML: line");
    load_bad("d.yaml", "openapi: 3.0.0\nopenapi: 3.1.0\n", "",
             "line 2, column 10: duplicate key \"openapi\"");
}

Test(openapi, bad_json_is_refused_with_line_and_column, .timeout = 10)
{
    load_bad("b.json", "{\"openapi\":\"3.0.0\",\n\"paths\":{,}}", "", "not valid JSON (line 2");
}

Test(openapi, alias_bomb_is_refused, .timeout = 10)
{
    char text[2048];
    size_t n = (size_t)snprintf(text, sizeof text, "openapi: 3.0.0\nx-a: &a [x,x,x,x,x,x,x,x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; c++, prev++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "x-%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, prev, prev,
                              prev, prev, prev, prev, prev, prev);
    load_bad("bomb.yaml", text, "", "alias bomb");
}

Test(openapi, too_deep_documents_are_refused, .timeout = 10)
{
    char text[1024];
    size_t n = (size_t)snprintf(text, sizeof text, "{\"openapi\":\"3.0.0\",\"x\":");
    for (int i = 0; i < 200; i++)
        text[n++] = '[';
    text[n] = '\0';
    load_bad("deep.json", text, "", "nested too deep");
    n = (size_t)snprintf(text, sizeof text, "openapi: 3.0.0\nx: ");
    for (int i = 0; i < 200; i++)
        text[n++] = '[';
    text[n] = '\0';
    load_bad("deep.yaml", text, "", "nesting deeper than");
}

Test(openapi, oversized_input_is_refused, .timeout = 10)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_assert_eq(cf_openapi_load_mem("big.json", "{}", (size_t)CF_MAX_CONTRACT_FILE + 1, &api, &d),
                 CF_E_TOO_LARGE);
    expect_problem(&d, "", "larger than");
    cf_diags_cleanup(&d);
}

Test(openapi, yaml_problems_carry_line_and_column, .timeout = 10)
{
    load_bad("p.yaml",
             "openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths:\n  /a/{id}:\n    get:\n"
             "      responses:\n        '200': {description: ok}\n",
             "/paths/~1a~1{id}/get", "path parameter {id} of \"/a/{id}\" is not declared");
    load_bad("q.yaml",
             "openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"
             "      responses:\n        '200':\n          $ref: '#/nope'\n",
             "/paths/~1a/get/responses/200", "(line 8, column 17)");
}

Test(openapi, duplicate_operation_ids_are_refused, .timeout = 10)
{
    load_bad("dup.json",
             HEAD "\"paths\":{\"/a\":{\"get\":{\"operationId\":\"x\",\"responses\":{}},"
                  "\"put\":{\"operationId\":\"x\",\"responses\":{}}}}}",
             NULL, "operationId \"x\" is used twice");
}

Test(openapi, sniff_tells_openapi_from_other_json, .timeout = 5)
{
    cr_assert(cf_openapi_sniff("{\"openapi\":\"3.0.0\"}", 19));
    cr_assert(cf_openapi_sniff("# c\n---\nopenapi: 3.1.0\n", 24));
    cr_assert(cf_openapi_sniff("{\n  \"swagger\": \"2.0\"}", 21));
    cr_assert_not(cf_openapi_sniff("{\"conform\":1}", 13));
    const char *late =
        "{\"components\":{\"openapi\":1},\"a\":\"\\\"openapi\",\"openapi\":\"3.1.0\"}";
    cr_assert(cf_openapi_sniff(late, strlen(late)), "a top-level key after others");
    const char *nested = "{\"conform\":1,\"x\":{\"openapi\":1},\"s\":\"openapi\"}";
    cr_assert_not(cf_openapi_sniff(nested, strlen(nested)), "only top-level keys count");
    cr_assert(cf_openapi_sniff("info: {}\n'openapi': 3.0.0\n", 26));
    cr_assert_not(cf_openapi_sniff("info:\n  openapi: 3\n", 19));
    cr_assert_not(cf_openapi_sniff("", 0));
}
