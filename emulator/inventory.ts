/**
 * What exists in the emulator, service by service, through each service's own list API:
 * after `terraform destroy` every list must be empty (the emulator started empty, so
 * anything listed is something the stack left behind).
 *
 * One entry per service the stack uses. A new kind of resource (the DynamoDB tables soon)
 * needs one entry here, nothing else.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { IAMClient, ListPoliciesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { SFNClient, ListStateMachinesCommand } from "@aws-sdk/client-sfn";
import { ListSubscriptionsCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";

export interface ClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function emulatorClientConfig(endpoint: string, region = "us-east-1"): ClientConfig {
  return { region, endpoint, credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" } };
}

export interface ServiceInventory {
  service: string;
  /** The names (or ARNs) of everything of this kind in the emulator. */
  list(config: ClientConfig): Promise<string[]>;
}

/** Every service the stack uses, with the list API that shows what exists. */
export const STACK_SERVICES: ServiceInventory[] = [
  {
    service: "Lambda functions",
    list: async (config) =>
      ((await new LambdaClient(config).send(new ListFunctionsCommand({}))).Functions ?? []).map((fn) => fn.FunctionName!),
  },
  {
    service: "Step Functions state machines",
    list: async (config) =>
      ((await new SFNClient(config).send(new ListStateMachinesCommand({}))).stateMachines ?? []).map((machine) => machine.name!),
  },
  {
    service: "EventBridge rules",
    list: async (config) =>
      ((await new EventBridgeClient(config).send(new ListRulesCommand({}))).Rules ?? []).map((rule) => rule.Name!),
  },
  {
    service: "IAM roles",
    list: async (config) =>
      ((await new IAMClient(config).send(new ListRolesCommand({}))).Roles ?? []).map((role) => role.RoleName!),
  },
  {
    service: "IAM customer managed policies",
    list: async (config) =>
      ((await new IAMClient(config).send(new ListPoliciesCommand({ Scope: "Local" }))).Policies ?? []).map(
        (policy) => policy.PolicyName!,
      ),
  },
  {
    service: "CloudWatch Logs log groups",
    list: async (config) =>
      ((await new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map(
        (group) => group.logGroupName!,
      ),
  },
  {
    service: "SQS queues",
    list: async (config) => (await new SQSClient(config).send(new ListQueuesCommand({}))).QueueUrls ?? [],
  },
  {
    service: "CloudWatch alarms",
    list: async (config) => {
      const alarms = await new CloudWatchClient(config).send(new DescribeAlarmsCommand({}));
      return [...(alarms.MetricAlarms ?? []), ...(alarms.CompositeAlarms ?? [])].map((alarm) => alarm.AlarmName!);
    },
  },
  {
    service: "SNS topics",
    list: async (config) =>
      ((await new SNSClient(config).send(new ListTopicsCommand({}))).Topics ?? []).map((topic) => topic.TopicArn!),
  },
  {
    service: "SNS subscriptions",
    list: async (config) =>
      ((await new SNSClient(config).send(new ListSubscriptionsCommand({}))).Subscriptions ?? []).map(
        (subscription) => `${subscription.Protocol}:${subscription.Endpoint}`,
      ),
  },
  {
    service: "DynamoDB tables",
    list: async (config) => (await new DynamoDBClient(config).send(new ListTablesCommand({}))).TableNames ?? [],
  },
];

/** Each service with what it lists, all asked at once. */
export async function inventory(config: ClientConfig, services = STACK_SERVICES): Promise<Map<string, string[]>> {
  const lists = await Promise.all(services.map(async (entry) => [entry.service, await entry.list(config)] as const));
  return new Map(lists);
}
