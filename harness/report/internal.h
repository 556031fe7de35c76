/* internal.h - helpers the report writers share; private to report/. */
#ifndef CF_REPORT_INTERNAL_H
#define CF_REPORT_INTERNAL_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/rc.h"

/* Memory: returns a new cJSON item the caller adds to a tree (or deletes). */

/* A string item holding s made valid UTF-8 and cut to CF_REPORT_FIELD_MAX, or a null item when
 * s is NULL; NULL when out of memory. */
cJSON *cf_report_json_str(const char *s);

/* Adds cf_report_json_str(s) to obj under key; CF_E_NOMEM when it cannot. */
CF_WUR cf_rc cf_report_json_add_str(cJSON *obj, const char *key, const char *s);

/* Appends v as printf("%.*f", decimals, v) prints it, decimals 0..6 (text.c). The common
 * value (0 <= v, v * 10^decimals < 10^9 and not within 10^-6 of a rounding tie, where the
 * product's own rounding error, under 1.2e-7, cannot change which way it rounds) is written
 * without printf's float conversion: every case of a report has a duration. Returns what
 * cf_buf returns. */
CF_WUR cf_rc cf_report_put_fixed(cf_buf *out, double v, int decimals);

#endif
