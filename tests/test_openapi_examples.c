/* test_openapi_examples.c - every OpenAPI 3.0 and 3.1 document of the npm package
 * @readme/oas-examples (pinned in tests/oas), JSON and YAML: each loads, or is refused with a
 * problem naming what is not supported. Swagger 2.0 ones are refused saying so. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract/openapi.h"
#include "npm_util.h"

#define OAS_SRC CONFORM_SOURCE_DIR "/tests/oas"
#define OAS_DIR CONFORM_BINARY_DIR "/oas"
#define EXAMPLES OAS_DIR "/node_modules/@readme/oas-examples"

/* The documents refused, and what the refusal must name. Every other one must load. */
static const struct {
    const char *version; /* "/3.0/" or "/3.1/" */
    const char *name;    /* file name without its extension */
    const char *why;
} refusals[] = {
    /* Its operations name an "api_key" scheme that components/securitySchemes lacks. */
    {"/3.0/", "response-http-behavior", "security scheme \"api_key\" is not in components"},
    /* Schemas declare "$schema": draft-05 (no such draft) with boolean exclusiveMinimum. */
    {"/3.1/", "schema-validation-local", "\"exclusiveMinimum\" must be a number"},
    {"/3.1/", "schema-validation-top-level", "jsonSchemaDialect \"http://json-schema.org/draft-04"},
    {"/3.1/", "security", "\"mutualTLS\" is not supported"},
};

static void install(void)
{
    static const char *const files[] = {"package.json", "package-lock.json", NULL};
    cf_test_npm_prepare(OAS_SRC, OAS_DIR, files, EXAMPLES "/package.json", "ci");
}

static struct {
    size_t loaded, refused, swagger, operations;
    int v3; /* walking 3.0 / 3.1 (1) or 2.0 (0) */
} tally;

static const char *expected_refusal(const char *path)
{
    const char *base = strrchr(path, '/') + 1;
    size_t len = strcspn(base, ".");
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
        if (strlen(refusals[i].name) == len && strncmp(base, refusals[i].name, len) == 0 &&
            strstr(path, refusals[i].version))
            return refusals[i].why;
    return NULL;
}

static int has_message(const cf_diags *d, const char *want)
{
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, want))
            return 1;
    return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    int json = n > 5 && strcmp(path + n - 5, ".json") == 0;
    int yaml = n > 5 && strcmp(path + n - 5, ".yaml") == 0;
    if (type != FTW_F || (!json && !yaml))
        return 0;
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_openapi_load_file(path, &api, &d);
    const char *why = expected_refusal(path);
    if (!tally.v3) {
        cr_expect_neq(rc, CF_OK, "%s: Swagger 2.0 loaded", path);
        cr_expect(has_message(&d, "Swagger 2.0 is not supported"), "%s", path);
        tally.swagger++;
    } else if (rc == CF_OK) {
        cr_expect_null(why, "%s loaded, but is listed as refused (%s)", path, why);
        for (size_t i = 0; i < api->operation_count; i++) {
            const cf_api_operation *op = &api->operations[i];
            cr_expect(op->id && op->method && op->path && op->path[0] == '/', "%s", path);
            for (size_t b = 0; b < op->body_count; b++)
                cr_expect(!op->bodies[b].schema.json || op->bodies[b].schema.compiled, "%s", path);
        }
        tally.loaded++;
        tally.operations += api->operation_count;
    } else {
        cr_expect_not_null(why, "%s refused: %s: %s", path, d.count ? d.items[0].path : "-",
                           d.count ? d.items[0].message : cf_err_name(rc));
        cr_expect(why && has_message(&d, why), "%s: no problem says \"%s\"", path, why);
        for (size_t i = 0; i < d.count; i++)
            cr_expect(d.items[i].file && strstr(d.items[i].file, path), "%s", path);
        tally.refused++;
    }
    cf_api_free(api);
    cf_diags_cleanup(&d);
    return 0;
}

Test(openapi_examples, every_document_loads_or_is_refused_naming_why, .timeout = 300)
{
    install();
    tally.v3 = 1;
    cr_assert_eq(nftw(EXAMPLES "/3.0", visit, 16, FTW_PHYS), 0);
    cr_assert_eq(nftw(EXAMPLES "/3.1", visit, 16, FTW_PHYS), 0);
    printf("@readme/oas-examples 3.0 and 3.1: %zu documents loaded (%zu operations), "
           "%zu refused\n",
           tally.loaded, tally.operations, tally.refused);
    cr_log_info("%zu loaded, %zu refused", tally.loaded, tally.refused);
    cr_assert_geq(tally.loaded, 90, "the package holds about a hundred documents");
    cr_assert_eq(tally.refused, 2 * sizeof refusals / sizeof refusals[0],
                 "each listed refusal, in JSON and in YAML");
    /* The Swagger 2.0 documents of the same package (one test: one npm ci at a time). */
    tally.v3 = 0;
    cr_assert_eq(nftw(EXAMPLES "/2.0", visit, 16, FTW_PHYS), 0);
    cr_assert_geq(tally.swagger, 2);
}
