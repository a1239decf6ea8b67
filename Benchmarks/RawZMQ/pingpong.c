// Raw libzmq ceiling for PDSwift's IPC: a ROUTER echo server thread and a DEALER client in one
// process (separate contexts, one I/O thread each, as RPCServer/RPCClient use), over ipc://.
// Measures strictly sequential round trips, then N requests kept in flight.
//   cc -O2 -o pingpong pingpong.c -lzmq -lpthread && ./pingpong 3
#include <zmq.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

static char endpoint[256];

static double now(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *server(void *arg) {
    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, ZMQ_ROUTER);
    int hwm = 100000; zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm); zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_bind(s, endpoint);
    *(volatile int *)arg = 1;
    char id[256], body[256];
    for (;;) {
        int n = zmq_recv(s, id, sizeof id, 0);
        int m = zmq_recv(s, body, sizeof body, 0);
        if (m == 4 && memcmp(body, "stop", 4) == 0) break;
        zmq_send(s, id, n, ZMQ_SNDMORE);
        zmq_send(s, body, m, 0);
    }
    zmq_close(s); zmq_ctx_term(ctx);
    return NULL;
}

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 3;
    snprintf(endpoint, sizeof endpoint, "ipc:///tmp/rawzmq-%d.sock", getpid());
    volatile int ready = 0; pthread_t t; pthread_create(&t, NULL, server, (void *)&ready);
    while (!ready) usleep(1000);
    void *ctx = zmq_ctx_new();
    void *c = zmq_socket(ctx, ZMQ_DEALER);
    int hwm = 100000; zmq_setsockopt(c, ZMQ_SNDHWM, &hwm, sizeof hwm); zmq_setsockopt(c, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_connect(c, endpoint);
    char msg[64] = "0123456789012345678901234567890123456789", buf[256];
    int inflight[] = {1, 16, 64};
    for (int k = 0; k < 3; k++) {
        int depth = inflight[k];
        long count = 0;
        for (int i = 0; i < depth; i++) zmq_send(c, msg, 40, 0);
        struct rusage u0; getrusage(RUSAGE_SELF, &u0); double cpu0 = u0.ru_utime.tv_sec + u0.ru_stime.tv_sec + (u0.ru_utime.tv_usec + u0.ru_stime.tv_usec) / 1e6; long sw0 = u0.ru_nvcsw + u0.ru_nivcsw;
        double start = now(), end = start + secs;
        while (now() < end) {
            zmq_recv(c, buf, sizeof buf, 0); count++;
            zmq_send(c, msg, 40, 0);
        }
        for (int i = 0; i < depth; i++) zmq_recv(c, buf, sizeof buf, 0);
        double elapsed = now() - start;
        struct rusage u; getrusage(RUSAGE_SELF, &u); double cpu = u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6; long sw = u.ru_nvcsw + u.ru_nivcsw; printf("raw libzmq, %2d in flight: %9.0f round trips/s  CPU %6.2f us/rt  switches %5.2f/rt\n", depth, count / elapsed, (cpu - cpu0) * 1e6 / count, (double)(sw - sw0) / count);
    }
    zmq_send(c, "stop", 4, 0);
    pthread_join(t, NULL);
    zmq_close(c); zmq_ctx_term(ctx);
    return 0;
}
