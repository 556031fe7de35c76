/* suite_util.c - see suite_util.h. */
#include "suite_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

static char *dequote(const char *s)
{
    char *out = strdup(s);
    cr_assert_not_null(out);
    for (char *c = out; *c; c++)
        if (*c == '\'')
            *c = '"';
    return out;
}

cf_suite *suite_load_text(const char *text, cf_rc *rc, cf_diags *diags, char *file)
{
    char path[] = "/tmp/conform-suite-v2-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    char *json = dequote(text);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(json, f);
    fclose(f);
    free(json);
    strcpy(file, path);
    cf_diags_init(diags);
    cf_suite *s = NULL;
    *rc = cf_suite_load_file(path, &s, diags);
    remove(path);
    cr_assert((*rc == CF_OK) == (s != NULL), "a suite exactly when the load succeeded");
    return s;
}

cf_suite *suite_load_cases(const char *cases, cf_rc *rc, cf_diags *diags, char *file)
{
    size_t n = strlen(cases) + sizeof(SUITE_POSTS) + 64;
    char *text = malloc(n);
    cr_assert_not_null(text);
    snprintf(text, n, "{'conform': 2, 'contract': '%s', 'cases': [%s]}", SUITE_POSTS, cases);
    cf_suite *s = suite_load_text(text, rc, diags, file);
    free(text);
    return s;
}

cf_suite *suite_load_ok(const char *path, size_t *findings)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *s = NULL;
    cf_rc rc = cf_suite_load_file(path, &s, &d);
    for (size_t i = 0; i < d.count; i++)
        fprintf(stderr, "%s:%s: %s\n", d.items[i].file ? d.items[i].file : "-", d.items[i].path,
                d.items[i].message);
    cr_assert_eq(rc, CF_OK, "%s: %s", path, cf_strerror(rc));
    if (findings)
        *findings = cf_diags_total(&d);
    cf_diags_cleanup(&d);
    return s;
}

void suite_expect_diag(const cf_diags *d, const char *file, const char *path, const char *says)
{
    char *want = dequote(says);
    int found = 0;
    for (size_t i = 0; i < d->count; i++)
        found |= d->items[i].file && strcmp(d->items[i].file, file) == 0 &&
                 strcmp(d->items[i].path, path) == 0 && strstr(d->items[i].message, want);
    if (!found)
        for (size_t i = 0; i < d->count; i++)
            fprintf(stderr, "  got %s:%s: %s\n", d->items[i].file ? d->items[i].file : "-",
                    d->items[i].path, d->items[i].message);
    cr_expect(found, "%s:%s says \"%s\"", file, path, want);
    free(want);
}
