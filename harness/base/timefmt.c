/* timefmt.c - strict RFC 3339 parsing to epoch milliseconds, formatting, and clocks. */
#include "base/timefmt.h"

#include <time.h>

static int is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int64_t year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days from 0000-01-01 (proleptic Gregorian) to January 1st of `year`, for year >= 0. */
static int64_t days_before_year(int64_t year)
{
    /* Leap years in [0, year): year 0 is one, so count multiples of 4, 100, 400 below year. */
    int64_t leaps = (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    return 365 * year + leaps;
}

static int64_t days_before_month(int64_t year, int month)
{
    int64_t days = 0;
    for (int m = 1; m < month; m++)
        days += days_in_month(year, m);
    return days;
}

/* Days since 1970-01-01 of a valid civil date with 0 <= year <= 9999. */
static int64_t days_from_civil(int64_t year, int month, int day)
{
    return days_before_year(year) - days_before_year(1970) + days_before_month(year, month) + day -
           1;
}

/* Reads exactly n digits at s; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int cf_time_parse_rfc3339(const char *s, size_t len, int64_t *ms_utc)
{
    /* "YYYY-MM-DDThh:mm:ss" is 19 bytes, the shortest zone ("Z") one more. */
    if (!s || len < 20)
        return 0;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return 0;
    int year = digits(s, 4);
    int month = digits(s + 5, 2);
    int day = digits(s + 8, 2);
    int hour = digits(s + 11, 2);
    int minute = digits(s + 14, 2);
    int second = digits(s + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
        hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return 0;

    size_t at = 19;
    int millis = 0;
    if (s[at] == '.') {
        at++;
        size_t first = at;
        while (at < len && s[at] >= '0' && s[at] <= '9') {
            if (at - first < 3)
                millis = millis * 10 + (s[at] - '0');
            at++;
        }
        size_t n = at - first;
        if (n == 0)
            return 0;
        for (; n < 3; n++)
            millis *= 10; /* ".5" is 500 ms; digits past the third are truncated */
    }

    if (at >= len)
        return 0; /* the zone is required */
    int offset_min = 0;
    if (s[at] == 'Z' || s[at] == 'z') {
        at++;
    } else if (s[at] == '+' || s[at] == '-') {
        if (len - at < 6 || s[at + 3] != ':')
            return 0;
        int oh = digits(s + at + 1, 2);
        int om = digits(s + at + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return 0;
        offset_min = (oh * 60 + om) * (s[at] == '-' ? -1 : 1);
        at += 6;
    } else {
        return 0;
    }
    if (at != len)
        return 0;

    if (ms_utc) {
        /* A leap second (:60) counts as the first second of the next minute. */
        int64_t secs = days_from_civil(year, month, day) * 86400 + (int64_t)hour * 3600 +
                       (int64_t)minute * 60 + second - (int64_t)offset_min * 60;
        *ms_utc = secs * 1000 + millis;
    }
    return 1;
}

int cf_time_is_iso_millis(const char *s, size_t len)
{
    /* AWS's pattern is fixed-width with upper-case 'T' and 'Z'. */
    if (!s || len != 24 || s[10] != 'T' || s[19] != '.' || s[23] != 'Z')
        return 0;
    return cf_time_parse_rfc3339(s, len, NULL);
}

static void put_digits(char *out, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void cf_time_format_millis(int64_t ms_utc, char out[25])
{
    /* Clamp to what four year digits can show: 0000-01-01 .. 9999-12-31T23:59:59.999. */
    const int64_t lo = -days_before_year(1970) * 86400 * 1000;
    const int64_t hi = (days_before_year(10000) - days_before_year(1970)) * 86400 * 1000 - 1;
    if (ms_utc < lo)
        ms_utc = lo;
    if (ms_utc > hi)
        ms_utc = hi;

    int64_t ms = ms_utc - lo; /* now counted from 0000-01-01, never negative */
    int64_t days = ms / 86400000;
    int64_t in_day = ms % 86400000;

    int64_t year = days / 366; /* an underestimate; walk forward */
    while (days_before_year(year + 1) <= days)
        year++;
    days -= days_before_year(year);
    int month = 1;
    while (days >= days_in_month(year, month)) {
        days -= days_in_month(year, month);
        month++;
    }

    put_digits(out, year, 4);
    out[4] = '-';
    put_digits(out + 5, month, 2);
    out[7] = '-';
    put_digits(out + 8, days + 1, 2);
    out[10] = 'T';
    put_digits(out + 11, in_day / 3600000, 2);
    out[13] = ':';
    put_digits(out + 14, in_day / 60000 % 60, 2);
    out[16] = ':';
    put_digits(out + 17, in_day / 1000 % 60, 2);
    out[19] = '.';
    put_digits(out + 20, in_day % 1000, 3);
    out[23] = 'Z';
    out[24] = '\0';
}

int64_t cf_time_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return (int64_t)time(NULL) * 1000;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double cf_time_mono_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
