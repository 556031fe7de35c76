/* delay.c - the latency fault on a thread pool: a held answer's connection is suspended and
 * one thread resumes it when due, so a delayed answer never occupies a pool thread. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "base/timefmt.h"
#include "mock/internal.h"

/* Monotonic `ms` as an absolute time for pthread_cond_timedwait (the cond uses
 * CLOCK_MONOTONIC). */
static struct timespec at(double ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000.0);
    ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000.0) * 1e6);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static void *waker(void *arg)
{
    cf_mock *m = arg;
    pthread_mutex_lock(&m->wait_lock);
    for (;;) {
        double now = cf_time_mono_ms();
        double next = now + 1000.0;
        request *due = NULL;
        for (request **p = &m->waiting; *p;) {
            request *r = *p;
            if (m->stopping || r->due_ms <= now) {
                *p = r->wait_next;
                r->wait_next = due;
                due = r;
                continue;
            }
            if (r->due_ms < next)
                next = r->due_ms;
            p = &r->wait_next;
        }
        if (due) {
            /* Resumed outside the lock: libmicrohttpd may call back into the mock. */
            pthread_mutex_unlock(&m->wait_lock);
            while (due) {
                request *r = due;
                due = r->wait_next;
                MHD_resume_connection(r->conn);
            }
            pthread_mutex_lock(&m->wait_lock);
            continue;
        }
        if (m->stopping)
            break;
        struct timespec until = at(next);
        (void)pthread_cond_timedwait(&m->wake, &m->wait_lock, &until);
    }
    pthread_mutex_unlock(&m->wait_lock);
    return NULL;
}

cf_rc cf_mock_delay_start(cf_mock *m)
{
    if (m->faults.latency_ms <= 0)
        return CF_OK;
    if (pthread_create(&m->waker, NULL, waker, m) != 0)
        return CF_E_NOMEM;
    m->waker_started = 1;
    return CF_OK;
}

void cf_mock_delay_hold(cf_mock *m, request *r, struct MHD_Connection *conn)
{
    r->conn = conn;
    r->holding = 1;
    r->due_ms = cf_time_mono_ms() + (double)m->faults.latency_ms;
    MHD_suspend_connection(conn);
    pthread_mutex_lock(&m->wait_lock);
    r->wait_next = m->waiting;
    m->waiting = r;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->wait_lock);
}

void cf_mock_delay_stop(cf_mock *m)
{
    pthread_mutex_lock(&m->wait_lock);
    m->stopping = 1;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->wait_lock);
    if (m->waker_started)
        pthread_join(m->waker, NULL);
    m->waker_started = 0;
}
