/**
 * Limits per user, per session and per socket ({@link dev.capsule.gateway.limits.LimitsConfig}), counted with
 * Bucket4j token buckets in this replica's memory.
 *
 * <p>{@link dev.capsule.gateway.limits.OverRateRefusal} is a raw Vert.x route filter rather than a REST filter
 * because of what it saves: a session over its rate is refused before its body is read. Measured on a running stack
 * (3,000 messages to one session from 50 connections, nearly all refused, the gateway's CPU from {@code /proc}, the
 * jar without and with the filter swapped in turn): with 12 KB messages 450-590 µs of gateway CPU per request
 * without it against 270-400 µs with it; with a few bytes, 250-280 µs against 200-290 µs, within the noise.
 */
package dev.capsule.gateway.limits;
