events2nflxprofile one-sample.in | protoc --decode nflxprofile.Profile -I ../../../common/proto nflxprofile.proto
