events2nflxprofile odd-names.in | protoc --decode nflxprofile.Profile -I ../../../common/proto nflxprofile.proto
