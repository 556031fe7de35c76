/* schema_util.h - what the schema tests share: JSON parsed or the test fails, "exactly one
 * finding here" expectations, long strings, string instances validated, deeply nested
 * documents. Failures fail the calling Criterion test.
 *
 * Memory: cf_test_parse() and cf_test_build_nested() return cJSON trees for cJSON_Delete();
 * cf_test_repeat() returns a string to free(). */
#ifndef CF_TEST_SCHEMA_UTIL_H
#define CF_TEST_SCHEMA_UTIL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"

/* The parsed JSON of `text`; fails the test when it does not parse. */
cJSON *cf_test_parse(const char *text);
/* Checks that `d` holds exactly one finding at `path` containing `message`; `n` is the count
 * the call returned, `what` and `i` name the case in failure messages. */
void cf_test_expect_one(const cf_diags *d, size_t n, const char *what, size_t i, const char *path,
                        const char *message);
/* A string of `n` copies of `unit`. */
char *cf_test_repeat(const char *unit, size_t n);
/* Validates a string instance built in memory against `schema_text`; returns the count and
 * fills d. */
size_t cf_test_validate_string(const char *schema_text, const char *value, cf_diags *d);
/* Builds `levels` arrays nested in each other around a null, and a schema of as many "items". */
void cf_test_build_nested(int levels, cJSON **schema, cJSON **instance);

#endif
