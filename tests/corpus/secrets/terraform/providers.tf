provider "datadog" {
  api_key = "e601ef1937ed7d0118e40ed450b15d4f"
  app_key = "0e12a59776402f1faae2d81e0d19a2528e423c91"
  api_url = "https://api.datadoghq.eu/"
}

provider "cloudflare" {
  api_token = "oxclDvkclWHcCn9a318WgAb4AzJMJ93QldVCxvwi"
}

provider "vault" {
  address = "https://vault.acme.internal:8200"
  token   = "hvs.fb5SwPqaDK6GGZFIoTl504AI"
}

provider "postgresql" {
  host     = "orders-prod.cluster-h1dj4inael3b.us-east-1.rds.amazonaws.com"
  username = "tf_admin"
  password = "Tf-Pg-Pr0v1der!"
  sslmode  = "require"
}

provider "azurerm" {
  features {}
  subscription_id = "e51c0780-de25-4a9f-bbd9-ffe7c2f3899b"
  tenant_id       = "d0c75fce-f490-4c9d-9858-1168d3cbfa65"
  client_id       = "5b4472c6-2e62-4f34-9749-19b5448469b4"
  client_secret   = "mMs8Q~zLPC-x_aDRfLIoXWfqA93UbUTXrkPaMgda"
}

provider "github" {
  owner = "acme"
  token = var.github_token
}
