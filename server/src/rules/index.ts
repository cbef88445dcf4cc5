import type { Rule } from '../engine/core/rule';
import artifactRetention from './gha/artifact-retention';
import coverage100 from './gha/coverage-100';
import deployConcurrency from './gha/deploy-concurrency';
import deployEnvironment from './gha/deploy-environment';
import deployUngated from './gha/deploy-ungated';
import dockerBuildCache from './gha/docker-build-cache';
import hardcodedSecret from './gha/hardcoded-secret';
import ghaImageTag from './gha/image-tag';
import jobTimeout from './gha/job-timeout';
import longLivedCloudKeys from './gha/long-lived-cloud-keys';
import needsSkipped from './gha/needs-skipped';
import npmCi from './gha/npm-ci';
import oidcPermission from './gha/oidc-permission';
import permissions from './gha/permissions';
import pullRequestTargetCheckout from './gha/pull-request-target-checkout';
import retryMasksFlakiness from './gha/retry-masks-flakiness';
import rolloutWaitTimeout from './gha/rollout-wait-timeout';
import scriptInjection from './gha/script-injection';
import serviceHealthcheck from './gha/service-healthcheck';
import setupCache from './gha/setup-cache';
import stageOrder from './gha/stage-order';
import secretInLog from './gha/secret-in-log';
import secretInOutput from './gha/secret-in-output';
import unpinnedAction from './gha/unpinned-action';
import unreachableJob from './gha/unreachable-job';
import analysisCondition from './k8s/analysis-condition';
import analysisLimits from './k8s/analysis-limits';
import analysisSingleMetric from './k8s/analysis-single-metric';
import deprecatedApi from './k8s/deprecated-api';
import duplicateEnv from './k8s/duplicate-env';
import externalSecretRefresh from './k8s/external-secret-refresh';
import imageTag from './k8s/image-tag';
import livenessDelay from './k8s/liveness-delay';
import livenessThreshold from './k8s/liveness-threshold';
import privileged from './k8s/privileged';
import probeIdentical from './k8s/probe-identical';
import probeMissing from './k8s/probe-missing';
import probePort from './k8s/probe-port';
import resources from './k8s/resources';
import rolloutBluegreenFieldInCanary from './k8s/rollout-bluegreen-field-in-canary';
import rolloutNoAnalysis from './k8s/rollout-no-analysis';
import rolloutPause from './k8s/rollout-pause';
import rolloutSpec from './k8s/rollout-spec';
import rolloutWeightGranularity from './k8s/rollout-weight-granularity';
import secretEnv from './k8s/secret-env';
import selector from './k8s/selector';
import secretLiteralEnv from './k8s/secret-literal-env';

/** Every rule, sorted by id. A test fails when a rule file is missing here or out of order. */
export const RULES: readonly Rule[] = [artifactRetention, coverage100, deployConcurrency, deployEnvironment, deployUngated, dockerBuildCache, hardcodedSecret, ghaImageTag, jobTimeout, longLivedCloudKeys, needsSkipped, npmCi, oidcPermission, permissions, pullRequestTargetCheckout, retryMasksFlakiness, rolloutWaitTimeout, scriptInjection, secretInLog, secretInOutput, serviceHealthcheck, setupCache, stageOrder, unpinnedAction, unreachableJob, analysisCondition, analysisLimits, analysisSingleMetric, deprecatedApi, duplicateEnv, externalSecretRefresh, imageTag, livenessDelay, livenessThreshold, privileged, probeIdentical, probeMissing, probePort, resources, rolloutBluegreenFieldInCanary, rolloutNoAnalysis, rolloutPause, rolloutSpec, rolloutWeightGranularity, secretEnv, secretLiteralEnv, selector];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
