/* schema_speed.c - conform's side of bench/schema_speed.sh: validations per second of one
 * schema over one instance, compiled once and then checked for a fixed time.
 *
 *   schema_speed [--oas30] [--document] FILE POINTER INSTANCE SECONDS
 *
 * Without --document the value at POINTER in FILE is a standalone schema (its own resource
 * root); with it the schema is {"$ref": "#POINTER"} and "#/..." refs resolve in FILE (an OpenAPI
 * document), as contracts do. --oas30 selects OpenAPI 3.0's dialect. Each validation is the
 * runner's form: cf_schema_check on a response, with a findings list. Prints
 * "<validations per second> valid"; exits 1 (printing the findings) when the instance does not
 * pass, 2 on a usage or file error. A benchmark driver, not library code: it prints and exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "base/json.h"
#include "contract/schema.h"

/* Validations between two looks at the clock. */
#define BATCH 256

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The parsed JSON of a file, or NULL (said on stderr). Memory: the caller cJSON_Deletes it. */
static cJSON *load(const char *file)
{
    cJSON *json = NULL;
    char *text = NULL;
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "schema_speed: %s: %s\n", file, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size)
        goto out;
    text[size] = '\0';
    json = cJSON_Parse(text);
out:
    if (!json)
        fprintf(stderr, "schema_speed: %s: cannot read or parse\n", file);
    free(text);
    fclose(f);
    return json;
}

/* Validates for `seconds`; returns validations per second, or -1 when one failed. */
static double timed(const cf_schema *s, const cJSON *instance, double seconds)
{
    size_t n = 0, bad = 0;
    double t0 = now_s(), t = t0;
    while (t - t0 < seconds) {
        for (int i = 0; i < BATCH; i++) {
            cf_diags d = {0};
            bad += cf_schema_check(s, instance, CF_SCHEMA_RESPONSE, "", &d);
            cf_diags_cleanup(&d);
        }
        n += BATCH;
        t = now_s();
    }
    return bad ? -1.0 : (double)n / (t - t0);
}

int main(int argc, char **argv)
{
    int rc = 2;
    cf_schema_options opt = {CF_SCHEMA_2020_12, NULL};
    int use_document = 0;
    int a = 1;
    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (strcmp(argv[a], "--oas30") == 0)
            opt.dialect = CF_SCHEMA_OAS30;
        else if (strcmp(argv[a], "--document") == 0)
            use_document = 1;
    }
    if (argc - a != 4) {
        fprintf(stderr, "usage: schema_speed [--oas30] [--document] FILE POINTER INSTANCE S\n");
        return 2;
    }
    const char *pointer = argv[a + 1];
    double seconds = atof(argv[a + 3]);
    cJSON *doc = load(argv[a]);
    cJSON *instance = load(argv[a + 2]);
    cJSON *wrapper = NULL;
    cf_schema *s = NULL;
    cf_diags d = {0};
    const cJSON *schema = NULL;
    if (!doc || !instance)
        goto out;
    if (use_document) {
        char ref[512];
        snprintf(ref, sizeof ref, "#%s", pointer);
        wrapper = cJSON_CreateObject();
        if (!wrapper || !cJSON_AddStringToObject(wrapper, "$ref", ref))
            goto out;
        schema = wrapper;
        opt.document = doc;
    } else {
        schema = cf_json_pointer(doc, pointer);
        if (!schema) {
            fprintf(stderr, "schema_speed: %s: nothing at %s\n", argv[a], pointer);
            goto out;
        }
    }
    if (cf_schema_compile(schema, &opt, &s) != CF_OK) {
        fprintf(stderr, "schema_speed: cannot compile the schema\n");
        goto out;
    }
    size_t n = cf_schema_check(s, instance, CF_SCHEMA_RESPONSE, "", &d);
    if (n) {
        fprintf(stderr, "schema_speed: the instance is NOT valid (%zu findings):\n", n);
        for (size_t i = 0; i < d.count; i++)
            fprintf(stderr, "  %s: %s\n", d.items[i].path, d.items[i].message);
        rc = 1;
        goto out;
    }
    /* A short warm-up (caches, the CPU's clock), as ajv's side gets for its JIT. */
    timed(s, instance, seconds < 2 ? seconds / 4 : 0.5);
    double rate = timed(s, instance, seconds);
    if (rate < 0) {
        fprintf(stderr, "schema_speed: a validation failed during the run\n");
        rc = 1;
        goto out;
    }
    printf("%.0f valid\n", rate);
    rc = 0;
out:
    cf_diags_cleanup(&d);
    cf_schema_free(s);
    cJSON_Delete(wrapper);
    cJSON_Delete(instance);
    cJSON_Delete(doc);
    return rc;
}
