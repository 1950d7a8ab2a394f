namespace Sluice.Testing;
