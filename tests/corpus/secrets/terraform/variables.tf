variable "region" {
  type    = string
  default = "us-east-1"
}

variable "reports_db_password" {
  type      = string
  sensitive = true
}

variable "admin_password" {
  description = "Initial admin password, set via TF_VAR_admin_password"
  type        = string
  default     = ""
  sensitive   = true
}

variable "api_token" {
  type    = string
  default = null
}

variable "ami_id" {
  type    = string
  default = "ami-07aba0460e7a2d7f5"
}

variable "kms_key_arn" {
  type    = string
  default = "arn:aws:kms:us-east-1:123456789012:key/c7452c74-7e40-4170-a8e3-79ee4eec6308"
}

variable "password_policy" {
  type = object({ min_length = number, require_symbols = bool })
  default = { min_length = 14, require_symbols = true }
}

locals {
  common_tags = {
    owner       = "platform"
    secret_ref  = "vault:secret/data/prod/core"
    commit      = "ccfc93df0d852cb151e806baaaff6ec4786930c5"
  }
}
