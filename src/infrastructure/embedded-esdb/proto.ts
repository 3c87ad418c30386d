/**
 * The generated gRPC/protobuf modules shipped with @eventstore/db-client. They are CommonJS; the default import
 * is `module.exports`, i.e. the very instances the service serializers check with `instanceof`, so every message
 * this server sends is built from these bindings.
 */
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';

export const { StreamsService } = streamsGrpc;
export const { ServerFeaturesService } = featuresGrpc;
export const { ReadReq, ReadResp, AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } = streamsPb;
export const { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } = streamsPb;
export const { UUID, Empty, StreamIdentifier, AllStreamPosition } = sharedPb;
export const SharedPb = sharedPb;
export const { Status } = statusPb;
export const { SupportedMethods, SupportedMethod } = featuresPb;
/** `google.protobuf.Empty`: BatchAppend uses it where the other messages use `event_store.client.Empty`. */
export const GoogleEmpty = emptyPb.Empty;
export const { Any } = anyPb;

export type ReadReqT = InstanceType<typeof ReadReq>;
export type ReadRespT = InstanceType<typeof ReadResp>;
export type AppendReqT = InstanceType<typeof AppendReq>;
export type AppendRespT = InstanceType<typeof AppendResp>;
export type BatchAppendReqT = InstanceType<typeof BatchAppendReq>;
export type BatchAppendRespT = InstanceType<typeof BatchAppendResp>;
export type DeleteReqT = InstanceType<typeof DeleteReq>;
export type DeleteRespT = InstanceType<typeof DeleteResp>;
export type TombstoneReqT = InstanceType<typeof TombstoneReq>;
export type TombstoneRespT = InstanceType<typeof TombstoneResp>;
export type StreamIdentifierT = InstanceType<typeof StreamIdentifier>;
export type UUIDT = InstanceType<typeof UUID>;
