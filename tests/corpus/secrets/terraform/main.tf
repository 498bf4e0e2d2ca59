terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.31"
    }
    github = {
      source  = "integrations/github"
      version = "~> 5.42"
    }
  }
  backend "s3" {
    bucket = "acme-tf-state"
    key    = "prod/core.tfstate"
    region = "us-east-1"
  }
}

provider "aws" {
  region     = "us-east-1"
  access_key = "AKIASDOSWE6O5CUPL5FW"
  secret_key = "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"
}

provider "github" {
  owner = "acme"
  token = "ghp_Xuf3vNIFO3HbL2yKV7mZE0uTFiMEMFnQyeap"
}

resource "aws_db_instance" "orders" {
  identifier          = "orders-prod"
  engine              = "postgres"
  engine_version      = "15.4"
  instance_class      = "db.r6g.large"
  allocated_storage   = 200
  username            = "orders_admin"
  password            = "Tf-Rds-Pr0d-9931"
  skip_final_snapshot = false
}

resource "aws_db_instance" "reports" {
  identifier = "reports-prod"
  engine     = "postgres"
  username   = "reports"
  password   = var.reports_db_password
  manage_master_user_password = false
}

data "aws_secretsmanager_secret_version" "grafana" {
  secret_id = "prod/grafana/admin"
}

resource "aws_iam_user_login_profile" "ops" {
  user                    = "ops"
  password_length         = 20
  password_reset_required = true
}

resource "aws_secretsmanager_secret_version" "grafana_admin" {
  secret_id     = data.aws_secretsmanager_secret_version.grafana.id
  secret_string = jsonencode({ username = "admin", password = random_password.grafana.result })
}

resource "random_password" "grafana" {
  length  = 24
  special = true
}

resource "github_actions_secret" "slack" {
  repository      = "payments-api"
  secret_name     = "SLACK_WEBHOOK"
  plaintext_value = "https://hooks.slack.com/services/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"
}

resource "aws_key_pair" "deploy" {
  key_name   = "deploy"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI4FUzbxfGQfN9xqmkWiWacl4uZkYaydOl8z50Fgtf3sc deploy@acme"
}

resource "aws_ssm_parameter" "datadog" {
  name  = "/prod/datadog/api_key"
  type  = "SecureString"
  value = "8e6bcc059809f5eecd70449621742466"
}

output "db_endpoint" {
  value = aws_db_instance.orders.endpoint
}
