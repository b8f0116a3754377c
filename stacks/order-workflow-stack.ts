/**
 * The whole order-processing system as one Terraform stack: providers, variables, the
 * five microservices, the workflow, its trigger, and the outputs ops teams use.
 */
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformElement, TerraformOutput, TerraformResource, TerraformStack, Token } from "cdktf";
import { Construct, Node } from "constructs";
import { Alarms } from "./alarms";
import { Dashboard } from "./dashboard";
import { OrderMetrics } from "./order-metrics";
import { BackendChoice, configureBackend } from "./backend";
import { DestroyGuard } from "./destroy-guard";
import { EnvironmentFile } from "./environments";
import { MicroserviceFunction } from "./microservice-function";
import { PackagingMode } from "./packaging";
import { mapServices, PerService, ServiceName, SERVICES } from "./services";
import { StateTables } from "./state-tables";
import { StockSeed } from "./stock-seed";
import { Trigger } from "./trigger";
import { WorkflowVariables } from "./variables";
import { Workflow } from "./workflow";

export const STACK_NAME = "microservices-stepfn";

/** The Terraform versions that can plan and apply the stack. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.7";

/** The README's sample order (total 118.77), also used by the start-execution output. */
export const SAMPLE_ORDER = {
  userId: "test123",
  orderData: {
    items: [
      { productId: "PROD001", quantity: 2, price: 29.99 },
      { productId: "PROD002", quantity: 1, price: 49.99 },
    ],
  },
};

/** The name of a per-function output: `user_service_function_name`, `..._function_arn`, `..._function_qualified_arn`. */
export function functionOutput(service: ServiceName, attribute: "name" | "arn" | "qualified_arn"): string {
  return `${service.replace(/-/g, "_")}_function_${attribute}`;
}

export interface OrderWorkflowStackProps {
  packaging: PackagingMode;
  /** The environment this stack deploys (environments.ts): it then accepts no other; none: any environment. */
  environment?: EnvironmentFile;
  /** Local state unless Terraform Cloud is chosen (see backend.ts). */
  backend?: BackendChoice;
}

export class OrderWorkflowStack extends TerraformStack {
  readonly variables: WorkflowVariables;
  readonly tables: StateTables;
  readonly functions: PerService<MicroserviceFunction>;
  readonly workflow: Workflow;
  readonly trigger: Trigger;
  readonly metrics: OrderMetrics;
  readonly alarms: Alarms;
  readonly dashboard: Dashboard;
  readonly stockSeed: StockSeed;
  readonly destroyGuard: DestroyGuard;
  private readonly logicalIds = new Map<string, string>();

  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps) {
    super(scope, id);

    configureBackend(this, props.backend ?? { kind: "local" });
    // `removed` blocks (stock-seed.ts) need 1.7; terraform_data (destroy-guard.ts) 1.4.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);

    const vars = (this.variables = new WorkflowVariables(this, props.environment?.name));
    const namePrefix = vars.projectName.stringValue;

    new AwsProvider(this, "aws", {
      region: vars.awsRegion.stringValue,
      // The stack's own tags last: `tags` cannot replace them (its validation says so too).
      defaultTags: [
        {
          tags: Token.asStringMap(
            Fn.merge([vars.tags.value, { Project: namePrefix, Environment: vars.environment.stringValue, ManagedBy: "cdktf" }]),
          ),
        },
      ],
    });
    // Declared only when used, so that synth-time packaging needs no hashicorp/archive at all.
    if (props.packaging === "archive") new ArchiveProvider(this, "archive");

    this.tables = new StateTables(this, "state", { namePrefix, vars });

    this.functions = mapServices(
      (service) =>
        new MicroserviceFunction(this, service, {
          namePrefix,
          service,
          tables: this.tables.tables,
          vars,
          packaging: props.packaging,
        }),
    );

    this.workflow = new Workflow(this, "workflow", {
      namePrefix,
      functionArns: mapServices((service) => this.functions[service].function.arn),
      functionVersionArns: mapServices((service) => this.functions[service].function.qualifiedArn),
      vars,
    });

    this.trigger = new Trigger(this, "trigger", {
      namePrefix,
      stateMachineArn: this.workflow.liveAlias.arn,
      account: this.workflow.deployment.account,
      vars,
    });

    const functionNames = mapServices((service) => this.functions[service].function.functionName);
    // The stack's own metrics live in a namespace named after the project (project_name is unique per stack).
    const namespace = namePrefix;
    this.metrics = new OrderMetrics(this, "metrics", {
      namePrefix,
      namespace,
      workflowLogGroupName: this.workflow.logGroup.name,
      functionLogGroupNames: mapServices((service) => this.functions[service].logGroup.name),
    });
    this.alarms = new Alarms(this, "alarms", {
      namePrefix,
      namespace,
      stateMachineArn: this.workflow.stateMachine.arn,
      liveAliasArn: this.workflow.liveAlias.arn,
      deadLetterQueueName: this.trigger.deadLetterQueue.name,
      functionNames,
      workflowLogLevel: this.workflow.logLevelReference,
      vars,
    });
    this.dashboard = new Dashboard(this, "dashboard", {
      namePrefix,
      namespace,
      stateMachineName: this.workflow.stateMachine.name,
      deadLetterQueueName: this.trigger.deadLetterQueue.name,
      functionNames,
      deployment: this.workflow.deployment,
      vars,
    });

    this.stockSeed = new StockSeed(this, "stock", {
      inventory: this.functions["inventory-service"].function,
      stockTable: this.tables.tables.stock,
    });

    // Last: it must depend on everything else, so that a destroy starts with it.
    this.destroyGuard = new DestroyGuard(this, "destroy", { vars });
    this.destroyGuard.guardAll(
      this.node.findAll().filter((node): node is TerraformResource => node instanceof TerraformResource),
    );

    this.addOutputs();
  }

  /**
   * Readable Terraform addresses: each element is named after its place in the construct
   * tree (`aws_lambda_function.user_service_function`, `aws_sfn_state_machine.workflow_state_machine`)
   * instead of cdktf's default, which appends a hash (`..._519AA04D`). Ops teams type these
   * in `terraform state list`, `import`, `-target=` and `state mv`, and changing them later
   * would make Terraform replace the resources.
   */
  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const components = node.scopes.slice(node.scopes.indexOf(this) + 1).map((scope) => scope.node.id);
    const id = components
      .join("_")
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .toLowerCase();
    const owner = this.logicalIds.get(id);
    if (owner !== undefined && owner !== node.path)
      throw new Error(`${node.path} and ${owner} would share the Terraform name ${id}`);
    this.logicalIds.set(id, node.path);
    return id;
  }

  private addOutputs(): void {
    const stateMachine = this.workflow.stateMachine;
    new TerraformOutput(this, "state_machine_arn", { value: stateMachine.arn, description: "ARN of the order workflow" });
    new TerraformOutput(this, "state_machine_name", { value: stateMachine.name, description: "Name of the order workflow" });
    new TerraformOutput(this, "state_machine_alias_arn", {
      value: this.workflow.liveAlias.arn,
      description: "ARN of the workflow's live alias, which EventBridge starts: start orders here",
    });
    new TerraformOutput(this, "state_machine_version_arn", {
      value: stateMachine.stateMachineVersionArn,
      description: "ARN of the newest published version of the workflow (its last part is the version number)",
    });
    for (const service of SERVICES) {
      const fn = this.functions[service].function;
      new TerraformOutput(this, functionOutput(service, "name"), { value: fn.functionName, description: `Name of ${service}` });
      new TerraformOutput(this, functionOutput(service, "arn"), { value: fn.arn, description: `ARN of ${service}` });
      new TerraformOutput(this, functionOutput(service, "qualified_arn"), {
        value: fn.qualifiedArn,
        description: `ARN of the published version of ${service} that the newest workflow version calls`,
      });
    }
    new TerraformOutput(this, "event_rule_name", {
      value: this.trigger.rule.name,
      description: "EventBridge rule that starts the workflow",
    });
    new TerraformOutput(this, "event_rule_arn", { value: this.trigger.rule.arn, description: "ARN of the EventBridge rule" });
    new TerraformOutput(this, "lambda_log_group_names", {
      value: mapServices((service) => this.functions[service].logGroup.name),
      description: "CloudWatch log group of each function",
    });
    new TerraformOutput(this, "state_machine_log_group_name", {
      value: this.workflow.logGroup.name,
      description: "CloudWatch log group of the workflow's execution logs",
    });
    for (const [table, resource] of Object.entries(this.tables.tables)) {
      new TerraformOutput(this, `${table}_table_name`, {
        value: resource.name,
        description: `DynamoDB table of the services' ${table} (docs/durable-state.md)`,
      });
    }
    new TerraformOutput(this, "dead_letter_queue_url", {
      value: this.trigger.deadLetterQueue.url,
      description: "SQS queue holding Order Submitted events that could not start the workflow",
    });
    new TerraformOutput(this, "dead_letter_queue_arn", {
      value: this.trigger.deadLetterQueue.arn,
      description: "ARN of the dead-letter queue",
    });
    new TerraformOutput(this, "alarm_topic_arn", {
      // "" rather than null without a topic: cdktf deploy (cdktf-cli 0.21) crashes printing a null output.
      value: `\${join("", ${this.alarms.topic.fqn}[*].arn)}`,
      description: "SNS topic the alarms notify (empty without alarm_email)",
    });
    new TerraformOutput(this, "dashboard_url", {
      value: this.dashboard.url,
      description: "The CloudWatch dashboard of the orders, the workflow and the functions (empty with enable_dashboard = false)",
    });
    new TerraformOutput(this, "start_execution_command", {
      value: `aws stepfunctions start-execution --state-machine-arn ${this.workflow.liveAlias.arn} --input '${JSON.stringify(SAMPLE_ORDER)}'`,
      description: "Starts the workflow's live alias with the sample order (total 118.77)",
    });
  }
}
