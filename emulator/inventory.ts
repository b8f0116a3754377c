/**
 * What exists in the emulator, service by service, through each service's own list API:
 * after `terraform destroy` every list must be empty (the emulator started empty, so
 * anything listed is something the stack left behind).
 *
 * One entry per service the stack uses. A new kind of resource (the DynamoDB tables soon)
 * needs one entry here, nothing else. Each client is loaded when it is used: together they
 * take seconds to load, which the phases before the destroy need not pay.
 */
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
    list: async (config) => {
      const { LambdaClient, ListFunctionsCommand } = await import("@aws-sdk/client-lambda");
      return ((await new LambdaClient(config).send(new ListFunctionsCommand({}))).Functions ?? []).map((fn) => fn.FunctionName!);
    },
  },
  {
    service: "Step Functions state machines",
    list: async (config) => {
      const { SFNClient, ListStateMachinesCommand } = await import("@aws-sdk/client-sfn");
      const listed = await new SFNClient(config).send(new ListStateMachinesCommand({}));
      return (listed.stateMachines ?? []).map((machine) => machine.name!);
    },
  },
  {
    service: "EventBridge rules",
    list: async (config) => {
      const { EventBridgeClient, ListRulesCommand } = await import("@aws-sdk/client-eventbridge");
      return ((await new EventBridgeClient(config).send(new ListRulesCommand({}))).Rules ?? []).map((rule) => rule.Name!);
    },
  },
  {
    service: "IAM roles",
    list: async (config) => {
      const { IAMClient, ListRolesCommand } = await import("@aws-sdk/client-iam");
      return ((await new IAMClient(config).send(new ListRolesCommand({}))).Roles ?? []).map((role) => role.RoleName!);
    },
  },
  {
    service: "IAM customer managed policies",
    list: async (config) => {
      const { IAMClient, ListPoliciesCommand } = await import("@aws-sdk/client-iam");
      const listed = await new IAMClient(config).send(new ListPoliciesCommand({ Scope: "Local" }));
      return (listed.Policies ?? []).map((policy) => policy.PolicyName!);
    },
  },
  {
    service: "CloudWatch Logs log groups",
    list: async (config) => {
      const { CloudWatchLogsClient, DescribeLogGroupsCommand } = await import("@aws-sdk/client-cloudwatch-logs");
      const listed = await new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({}));
      return (listed.logGroups ?? []).map((group) => group.logGroupName!);
    },
  },
  {
    service: "SQS queues",
    list: async (config) => {
      const { SQSClient, ListQueuesCommand } = await import("@aws-sdk/client-sqs");
      return (await new SQSClient(config).send(new ListQueuesCommand({}))).QueueUrls ?? [];
    },
  },
  {
    service: "CloudWatch alarms",
    list: async (config) => {
      const { CloudWatchClient, DescribeAlarmsCommand } = await import("@aws-sdk/client-cloudwatch");
      const alarms = await new CloudWatchClient(config).send(new DescribeAlarmsCommand({}));
      return [...(alarms.MetricAlarms ?? []), ...(alarms.CompositeAlarms ?? [])].map((alarm) => alarm.AlarmName!);
    },
  },
  {
    // Metric filters need no entry of their own: each belongs to a log group and goes with it.
    service: "CloudWatch dashboards",
    list: async (config) => {
      const { CloudWatchClient, ListDashboardsCommand } = await import("@aws-sdk/client-cloudwatch");
      const listed = await new CloudWatchClient(config).send(new ListDashboardsCommand({}));
      return (listed.DashboardEntries ?? []).map((entry) => entry.DashboardName!);
    },
  },
  {
    service: "SNS topics",
    list: async (config) => {
      const { SNSClient, ListTopicsCommand } = await import("@aws-sdk/client-sns");
      return ((await new SNSClient(config).send(new ListTopicsCommand({}))).Topics ?? []).map((topic) => topic.TopicArn!);
    },
  },
  {
    service: "SNS subscriptions",
    list: async (config) => {
      const { SNSClient, ListSubscriptionsCommand } = await import("@aws-sdk/client-sns");
      const listed = await new SNSClient(config).send(new ListSubscriptionsCommand({}));
      return (listed.Subscriptions ?? []).map((subscription) => `${subscription.Protocol}:${subscription.Endpoint}`);
    },
  },
  {
    service: "DynamoDB tables",
    list: async (config) => {
      const { DynamoDBClient, ListTablesCommand } = await import("@aws-sdk/client-dynamodb");
      return (await new DynamoDBClient(config).send(new ListTablesCommand({}))).TableNames ?? [];
    },
  },
];

/** Each service with what it lists, all asked at once. */
export async function inventory(config: ClientConfig, services = STACK_SERVICES): Promise<Map<string, string[]>> {
  const lists = await Promise.all(services.map(async (entry) => [entry.service, await entry.list(config)] as const));
  return new Map(lists);
}
