-- A Ferret span store (BeaverDB 1.x log "_ferret_trace"), as Ferret writes it:
-- one row per finished span, row timestamp = the span's start_time, data =
-- the span's JSON (pydantic field order). Two runs; the latest (run b...) has
-- nested spans, asyncio tasks that overlap their siblings, a task that
-- outlives its parent and the root, a span with only a duration, a
-- zero-length span, an orphan (parent never written) and tags of every type.
CREATE TABLE beaver_logs (
    log_name TEXT NOT NULL,
    timestamp REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (log_name, timestamp)
);
CREATE INDEX idx_logs_timestamp ON beaver_logs (log_name, timestamp);
-- run a: an older run, one span
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732100000.5, '{"span_id":"a0000000000000000000000000000001","parent_id":null,"name":"main","start_time":1732100000.5,"end_time":1732100001.5,"duration":1.0,"tags":{},"status":"ok","run_id":"aaaaaaaa"}');
-- another log in the same database is not Ferret's
INSERT INTO beaver_logs VALUES ('events', 1732200009.0, '{"hello":"world"}');
-- run b (the latest), rows in start order as BeaverDB returns them
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.0, '{"span_id":"b0000000000000000000000000000001","parent_id":null,"name":"main","start_time":1732200000.0,"end_time":1732200001.0,"duration":1.0,"tags":{"module":"app"},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.1, '{"span_id":"b0000000000000000000000000000002","parent_id":"b0000000000000000000000000000001","name":"load","start_time":1732200000.1,"end_time":1732200000.3,"duration":0.2,"tags":{"table":"users"},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.15, '{"span_id":"b0000000000000000000000000000003","parent_id":"b0000000000000000000000000000002","name":"db.query","start_time":1732200000.15,"end_time":1732200000.25,"duration":0.1,"tags":{"table":"users","rows":42,"cached":false,"opts":{"a":[1,2]}},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.3, '{"span_id":"b0000000000000000000000000000004","parent_id":"b0000000000000000000000000000001","name":"process","start_time":1732200000.3,"end_time":1732200000.8,"duration":0.5,"tags":{},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.4, '{"span_id":"b0000000000000000000000000000005","parent_id":"b0000000000000000000000000000004","name":"task","start_time":1732200000.4,"end_time":1732200000.6,"duration":0.2,"tags":{"n":1},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.45, '{"span_id":"b0000000000000000000000000000006","parent_id":"b0000000000000000000000000000004","name":"task","start_time":1732200000.45,"end_time":1732200000.7,"duration":0.25,"tags":{"n":2},"status":"error","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.5, '{"span_id":"b0000000000000000000000000000007","parent_id":"b0000000000000000000000000000006","name":"db.query","start_time":1732200000.5,"end_time":1732200000.55,"duration":0.05,"tags":{"table":"orders"},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.75, '{"span_id":"b0000000000000000000000000000008","parent_id":"b0000000000000000000000000000004","name":"notify","start_time":1732200000.75,"end_time":null,"duration":0.45,"tags":{},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200000.9, '{"span_id":"b0000000000000000000000000000009","parent_id":"b0000000000000000000000000000001","name":"flush","start_time":1732200000.9,"end_time":1732200000.9,"duration":0.0,"tags":{},"status":"ok","run_id":"bbbbbbbb"}');
INSERT INTO beaver_logs VALUES ('_ferret_trace', 1732200001.1, '{"span_id":"b000000000000000000000000000000a","parent_id":"ffffffffffffffffffffffffffffffff","name":"late callback","start_time":1732200001.1,"end_time":1732200001.1250001,"duration":0.0250001,"tags":{},"status":"ok","run_id":"bbbbbbbb"}');
