// The download tests' server is the shared one (also used by bench/download.ts).
export * from "../../helpers/http-server.ts";
