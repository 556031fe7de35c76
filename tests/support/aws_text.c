/* aws_text.c - inline AWS models and overlays for tests (see aws_text.h). */
#include "aws_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

cJSON *cf_test_json_q(const char *text)
{
    char *s = strdup(text);
    cr_assert_not_null(s);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    cJSON *doc = cJSON_Parse(s);
    cr_assert_not_null(doc, "test JSON does not parse: %s", s);
    free(s);
    return doc;
}

cf_rc cf_test_aws_load_q(const char *model, const char *overlay, cf_api **api, cf_diags *d)
{
    cJSON *m = cf_test_json_q(model);
    cJSON *o = overlay ? cf_test_json_q(overlay) : NULL;
    cf_rc rc = cf_aws_load("model.json", m, o ? "model.overlay.json" : NULL, o, api, d);
    cJSON_Delete(m);
    cJSON_Delete(o);
    return rc;
}

int cf_test_diag_has(const cf_diags *d, const char *path, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].path, path) == 0 && strstr(d->items[i].message, needle))
            return 1;
    return 0;
}

const char *cf_test_diags_text(const cf_diags *d)
{
    static char text[8192];
    size_t at = 0;
    text[0] = '\0';
    for (size_t i = 0; i < d->count && at + 1 < sizeof(text); i++) {
        int n = snprintf(text + at, sizeof(text) - at, "%s:%s: %s\n",
                         d->items[i].file ? d->items[i].file : "", d->items[i].path,
                         d->items[i].message);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return text;
}
